package org.cpc.protocol.keys;

import java.nio.file.Path;

public final class KeyNotFoundException extends KeyringException {
    public KeyNotFoundException(String name, Path dir) {
        super("no key named '" + name + "' in " + dir + " (list the keys to see which exist)");
    }
}
