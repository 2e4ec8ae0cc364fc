package org.cpc.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.protocol.codec.Json;

/**
 * A request a service refuses, with the HTTP status and a message the client can act on. {@link HttpService} answers
 * it as the JSON body {@link #body()}: {@code {"error": "..."}}, after any fields the service adds (the node's
 * transaction refusals add {@code "status":"rejected"} and the transaction's hash).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final ObjectNode fields;

    public ApiException(int status, String message) {
        this(status, message, Json.object());
    }

    /** @param fields members of the error body that come before {@code "error"} */
    public ApiException(int status, String message, ObjectNode fields) {
        // A refusal is an answer, not a bug: no stack trace is taken, none is ever shown.
        super(message, null, false, false);
        this.status = status;
        this.fields = fields;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    /** 410: what was asked for existed but this server no longer keeps it (a pruned block, say). */
    public static ApiException gone(String message) {
        return new ApiException(410, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }

    public int status() {
        return status;
    }

    /** What the client receives: the added fields, then {@code "error"}. */
    public ObjectNode body() {
        ObjectNode o = fields.deepCopy();
        o.put("error", getMessage());
        return o;
    }
}
