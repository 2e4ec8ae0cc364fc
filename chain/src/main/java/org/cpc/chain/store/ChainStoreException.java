package org.cpc.chain.store;

/** The data directory cannot be used: locked by another process, of another chain, or unreadable. */
public class ChainStoreException extends RuntimeException {
    public ChainStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ChainStoreException(String message) {
        super(message);
    }
}
