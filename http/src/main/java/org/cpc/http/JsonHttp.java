package org.cpc.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.UncheckedIOException;
import org.cpc.protocol.codec.Json;
import org.slf4j.Logger;

/**
 * JSON answers and the error handling every cpc HTTP service shares (the node, the PoC validator): every error is
 * {@code {"error": "..."}}, unknown routes point to the OpenAPI document, and an internal failure says only where
 * the details are — never a stack trace to a client.
 */
public final class JsonHttp {
    static final String JSON = "application/json";

    private JsonHttp() {}

    static ObjectNode error(String message) {
        ObjectNode o = Json.object();
        o.put("error", message);
        return o;
    }

    /** An answer already written as JSON (e.g. from stored bytes). */
    public static void jsonBytes(Context ctx, int status, byte[] body) {
        ctx.status(status).contentType(JSON).result(body);
    }

    public static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType(JSON).result(Json.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a response", e);
        }
    }

    /**
     * Registers the handlers for Javalin's own errors (404, 405, 413), broken connections and anything unexpected.
     * Javalin picks the handler of the closest superclass, so a service's own exception types (registered before
     * or after) keep theirs.
     *
     * @param service who the log belongs to, for the 500 message ("the node", "the PoC validator")
     */
    static void handleCommonErrors(Javalin app, Logger log, String service) {
        app.exception(HttpResponseException.class, (e, ctx) -> {
            String msg = e.getStatus() == 404 ? noRoute(ctx) : e.getMessage();
            if (e.getStatus() == 413) msg = "request body is too large";
            json(ctx, e.getStatus(), error(msg));
        });
        app.exception(UncheckedIOException.class, (e, ctx) -> {
            log.debug("client connection failed: {}", e.toString());
            json(ctx, 400, error("the request could not be read: the connection failed or the body was cut short"));
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("internal error serving {} {}", ctx.method(), ctx.path(), e);
            json(ctx, 500, error("internal error; " + service + "'s log has the details"));
        });
        // Javalin answers some statuses itself (404 for an unknown route): keep those JSON too.
        app.error(404, ctx -> {
            if (!JSON.equals(ctx.res().getContentType())) json(ctx, 404, error(noRoute(ctx)));
        });
    }

    private static String noRoute(Context ctx) {
        return "no route " + ctx.method() + " " + ctx.path() + "; the API is described at GET /openapi.json";
    }
}
