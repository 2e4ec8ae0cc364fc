package org.cpc.protocol.keys;

import java.nio.file.Path;

/** A key file that is not what the keyring wrote: unreadable JSON, missing fields, or public parts that disagree. */
public final class CorruptKeyFileException extends KeyringException {
    public CorruptKeyFileException(Path file, String problem) {
        super("key file " + file + " is corrupted: " + problem);
    }

    public CorruptKeyFileException(Path file, String problem, Throwable cause) {
        super("key file " + file + " is corrupted: " + problem, cause);
    }
}
