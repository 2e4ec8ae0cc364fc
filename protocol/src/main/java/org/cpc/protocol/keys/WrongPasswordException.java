package org.cpc.protocol.keys;

/**
 * The password did not decrypt the key. AES-GCM cannot tell a wrong password from an altered ciphertext, so this
 * is also what a tampered secret gives; the public fields of the file are checked separately.
 */
public final class WrongPasswordException extends KeyringException {
    public WrongPasswordException(String name) {
        super("wrong password for key '" + name + "'");
    }
}
