package org.cpc.protocol.keys;

import java.nio.file.Path;

public final class KeyExistsException extends KeyringException {
    public KeyExistsException(String name, Path dir) {
        super("a key named '" + name + "' already exists in " + dir + "; choose another name");
    }
}
