package org.cpc.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Set;

/**
 * Strict reading of one JSON object: every field checked for presence and type, unknown fields refused. The
 * messages name the field, so a client can tell what to fix.
 */
public final class JsonFields {
    private final JsonNode node;
    private final String what;

    private JsonFields(JsonNode node, String what) {
        this.node = node;
        this.what = what;
    }

    /** Starts reading {@code node} as the object {@code what}, refusing any field not in {@code allowed}. */
    public static JsonFields of(JsonNode node, String what, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) throw new IllegalArgumentException(what + " has unknown field '" + n + "'");
        }
        return new JsonFields(node, what);
    }

    private JsonNode required(String field) {
        JsonNode v = node.get(field);
        if (v == null) throw new IllegalArgumentException(what + " is missing field '" + field + "'");
        return v;
    }

    private IllegalArgumentException wrong(String field, String expected) {
        return new IllegalArgumentException(what + "." + field + " must be " + expected);
    }

    public String string(String field) {
        JsonNode v = required(field);
        if (!v.isTextual()) throw wrong(field, "a string");
        return v.textValue();
    }

    /** A string or null; absent counts as an error, so the canonical form of every object is fixed. */
    public String nullableString(String field) {
        JsonNode v = required(field);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw wrong(field, "a string or null");
        return v.textValue();
    }

    /** A string that may be absent or null. */
    public String optionalString(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrong(field, "a string or null");
        return v.textValue();
    }

    /** A JSON integer in [0, 2^53 − 1]. */
    public long uint(String field) {
        return uintValue(required(field), field);
    }

    public Long nullableUint(String field) {
        JsonNode v = required(field);
        return v.isNull() ? null : uintValue(v, field);
    }

    public Long optionalUint(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : uintValue(v, field);
    }

    private long uintValue(JsonNode v, String field) {
        if (!v.isIntegralNumber()) throw wrong(field, "an integer");
        BigInteger b = v.bigIntegerValue();
        if (b.signum() < 0 || b.compareTo(BigInteger.valueOf(Jcs.MAX_SAFE_INTEGER)) > 0) {
            throw wrong(field, "an integer between 0 and 2^53 - 1");
        }
        return b.longValue();
    }

    /** An amount in wei, written as a JSON string of decimal digits. */
    public BigInteger wei(String field) {
        JsonNode v = required(field);
        if (!v.isTextual()) throw wrong(field, "a string of decimal wei (amounts are strings, e.g. \"1000\")");
        try {
            return org.cpc.protocol.types.Amounts.parseWei(v.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + "." + field + ": " + e.getMessage(), e);
        }
    }

    public ObjectNode object(String field) {
        JsonNode v = required(field);
        if (!v.isObject()) throw wrong(field, "a JSON object");
        return (ObjectNode) v;
    }

    public ObjectNode nullableObject(String field) {
        JsonNode v = required(field);
        if (v.isNull()) return null;
        if (!v.isObject()) throw wrong(field, "a JSON object or null");
        return (ObjectNode) v;
    }

    public JsonNode raw(String field) {
        return required(field);
    }

    public JsonNode optionalRaw(String field) {
        return node.get(field);
    }
}
