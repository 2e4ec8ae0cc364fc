package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.cpc.protocol.codec.Hex;

/** Strict reading of challenge payloads (fields checked in their listed order, so messages are reproducible): known fields only, exact integer bounds, messages that name the field. */
final class Payloads {
    private Payloads() {}

    static void onlyFields(JsonNode payload, String type, List<String> fields) {
        if (payload == null || !payload.isObject()) throw new IllegalArgumentException(type + " payload must be a JSON object");
        for (String f : fields) {
            if (!payload.has(f)) throw new IllegalArgumentException(type + " payload is missing '" + f + "'");
        }
        Iterator<String> it = payload.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!fields.contains(f)) throw new IllegalArgumentException(type + " payload has unknown field '" + f + "'");
        }
    }

    static long integer(JsonNode payload, String type, String field, long min, long max) {
        JsonNode v = payload.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw new IllegalArgumentException(type + " payload." + field + " must be an integer in [" + min + ", " + max + "]");
        }
        return v.longValue();
    }

    /** Checks that each of {@code fields}, in this order, is a SHA-256 hash (of a blob, a root or a seed). */
    static void hashes(JsonNode payload, String type, String... fields) {
        for (String field : fields) {
            JsonNode v = payload.get(field);
            if (v == null || !v.isTextual() || v.textValue().length() != 64 || !Hex.isHex(v.textValue())) {
                throw new IllegalArgumentException(type + " payload." + field + " must be a SHA-256 hash: 64 lowercase hex characters");
            }
        }
    }

    /** The error for a payload whose {@code field} names a blob ({@code hash}) the PoC validator does not hold. */
    static IllegalArgumentException missingBlob(String type, String field, String hash) {
        return new IllegalArgumentException(type + " payload." + field + " names blob " + hash
                + ", which this PoC validator does not have; upload it first with POST /blobs");
    }

    /** The blob hashes that {@code fields} of a valid payload name, in this order. */
    static List<String> blobs(JsonNode payload, String... fields) {
        return Arrays.stream(fields).map(f -> payload.get(f).textValue()).toList();
    }
}
