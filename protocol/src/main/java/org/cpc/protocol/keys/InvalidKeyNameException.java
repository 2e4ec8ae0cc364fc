package org.cpc.protocol.keys;

public final class InvalidKeyNameException extends KeyringException {
    public InvalidKeyNameException(String name) {
        super("invalid key name " + (name == null ? "(none)" : "'" + name + "'")
                + ": use 1 to 64 characters from letters, digits, '_', '.' and '-'");
    }
}
