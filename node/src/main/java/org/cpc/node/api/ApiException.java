package org.cpc.node.api;

/**
 * A request the API refuses, with the HTTP status and a message the client can act on. {@code rejectedTx} marks
 * the refusals of {@code POST /tx/send} and {@code /faucet}, whose body also says {@code "status":"rejected"}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final boolean rejectedTx;
    private final String txHash;

    private ApiException(int status, String message, boolean rejectedTx, String txHash) {
        super(message, null, false, false);
        this.status = status;
        this.rejectedTx = rejectedTx;
        this.txHash = txHash;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message, false, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, false, null);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, message, false, null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message, false, null);
    }

    /** A transaction refused before the chain saw it: not JSON, wrong shape, too large (400 or 413). */
    public static ApiException malformedTx(int status, String message) {
        return new ApiException(status, message, true, null);
    }

    /** A well-formed transaction the chain refused under its rules (nonce, signature, balance...): 422. */
    public static ApiException rejectedTx(String txHash, String reason) {
        return new ApiException(422, reason, true, txHash);
    }

    public int status() {
        return status;
    }

    public boolean isRejectedTx() {
        return rejectedTx;
    }

    public String txHash() {
        return txHash;
    }
}
