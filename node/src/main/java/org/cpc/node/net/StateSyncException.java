package org.cpc.node.net;

/** State sync cannot go on; the message says why and, where it can, what the operator may do. */
public final class StateSyncException extends RuntimeException {
    public StateSyncException(String message) {
        super(message);
    }
}
