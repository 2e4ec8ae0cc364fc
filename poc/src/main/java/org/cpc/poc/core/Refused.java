package org.cpc.poc.core;

/**
 * A request the PoC validator does not take, with a message a person can act on. The REST edge turns the kind into
 * an HTTP status; the machine knows nothing of HTTP.
 */
public final class Refused extends RuntimeException {
    public enum Kind { INVALID, FORBIDDEN, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public Refused(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
