package org.cpc.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.AddressException;

/**
 * Reading what a client sent: bounded request bodies, integer query parameters and account addresses, refused with
 * a 4xx that says why.
 */
public final class Requests {
    private Requests() {}

    /**
     * Reads at most {@code limit} bytes of body. The declared length is checked first so an honest oversized
     * request is refused without reading it; a chunked one is cut off at the limit.
     *
     * @param expected what the body should be, for the error on an empty one ("a JSON object")
     */
    public static byte[] body(Context ctx, long limit, String expected) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw ApiException.tooLarge("request body is " + declared + " bytes; the limit is " + limit + " bytes");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) limit + 1);
            if (body.length > limit) throw ApiException.tooLarge("request body exceeds the limit of " + limit + " bytes");
            if (body.length == 0) throw ApiException.badRequest("request body is empty; send " + expected);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    /** {@link #body} parsed as JSON (strictly: {@link Json#parse}). */
    public static JsonNode json(Context ctx, long limit, String expected) {
        byte[] body = body(ctx, limit, expected);
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("request body is not JSON: " + e.getMessage());
        }
    }

    /** The query parameter {@code name} as an integer from {@code min} to {@code max}; {@code absent} when not given. */
    public static int intQuery(Context ctx, String name, int absent, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) return absent;
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) return value;
        } catch (NumberFormatException e) {
            // answered below, like a number out of range
        }
        throw ApiException.badRequest(name + " must be an integer from " + min + " to " + max);
    }

    /** The path parameter {@code name}, which must be a cpc1... account address. */
    public static String accountPath(Context ctx, String name) {
        return account(ctx.pathParam(name), "a cpc1... account address");
    }

    /** {@code address} if it is a cpc1... account address; else a 400 that says it is not {@code what}. */
    public static String account(String address, String what) {
        try {
            Address.decodeAccount(address);
        } catch (AddressException e) {
            throw ApiException.badRequest("'" + address + "' is not " + what + ": " + e.getMessage());
        }
        return address;
    }
}
