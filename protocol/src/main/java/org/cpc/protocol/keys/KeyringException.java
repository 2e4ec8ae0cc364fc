package org.cpc.protocol.keys;

/** A keyring operation that could not be done; the message says why in terms a user can act on. */
public class KeyringException extends RuntimeException {
    public KeyringException(String message) {
        super(message);
    }

    public KeyringException(String message, Throwable cause) {
        super(message, cause);
    }
}
