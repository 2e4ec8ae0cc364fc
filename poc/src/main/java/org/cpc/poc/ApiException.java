package org.cpc.poc;

/** A request the Task Market refuses: the HTTP status and a message a person can act on. */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
