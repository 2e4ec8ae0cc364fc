package org.cpc.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme over the value space the protocol uses: strings, integers, booleans,
 * null, arrays and objects. Object members are sorted by their names' UTF-16 code units, there is no
 * whitespace, strings use the ECMAScript escapes, and the output is UTF-8.
 *
 * <p>Fractions are refused: consensus never uses them. Integers beyond ±(2^53 − 1) are refused as well, because
 * RFC 8785 writes numbers as IEEE doubles and such integers would not round-trip; the protocol carries big
 * amounts as decimal strings instead.
 */
public final class Jcs {
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private Jcs() {}

    public static byte[] canonicalize(JsonNode node) {
        StringBuilder sb = new StringBuilder(256);
        write(node, sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static String canonicalString(JsonNode node) {
        StringBuilder sb = new StringBuilder(256);
        write(node, sb);
        return sb.toString();
    }

    private static void write(JsonNode node, StringBuilder sb) {
        switch (node.getNodeType()) {
            case NULL, MISSING -> sb.append("null");
            case BOOLEAN -> sb.append(node.booleanValue() ? "true" : "false");
            case STRING -> writeString(node.textValue(), sb);
            case NUMBER -> writeNumber(node, sb);
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) sb.append(',');
                    write(node.get(i), sb);
                }
                sb.append(']');
            }
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.size());
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) members.add(it.next());
                // String.compareTo compares UTF-16 code units, exactly the order RFC 8785 asks for.
                members.sort(Map.Entry.comparingByKey());
                sb.append('{');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) sb.append(',');
                    writeString(members.get(i).getKey(), sb);
                    sb.append(':');
                    write(members.get(i).getValue(), sb);
                }
                sb.append('}');
            }
            default -> throw new IllegalArgumentException("JSON value of type " + node.getNodeType()
                    + " has no canonical form");
        }
    }

    /**
     * Checks that {@code node} has a canonical form without writing it: no fraction, no integer beyond ±(2^53 − 1),
     * no lone surrogate in a string or a member name. Decoders of input that is hashed or signed later call it, so
     * such input is refused where it arrives, with a message saying where, instead of failing wherever it is first
     * hashed (for a block in a proposal, on the consensus thread).
     *
     * @throws IllegalArgumentException naming {@code what}, the path to the first such value and what is wrong
     */
    public static void requireCanonical(JsonNode node, String what) {
        String problem = problem(node);
        if (problem != null) throw new IllegalArgumentException(what + problem);
    }

    /** Null, or the path to the first value without a canonical form and why ({@code ".a[2]: ..."}). */
    private static String problem(JsonNode node) {
        switch (node.getNodeType()) {
            case NULL, MISSING, BOOLEAN -> {
                return null;
            }
            case STRING -> {
                int i = loneSurrogate(node.textValue());
                return i < 0 ? null : ": string contains a lone surrogate at index " + i;
            }
            case NUMBER -> {
                try {
                    safeInteger(node);
                    return null;
                } catch (IllegalArgumentException e) {
                    return ": " + e.getMessage();
                }
            }
            case ARRAY -> {
                for (int i = 0; i < node.size(); i++) {
                    String p = problem(node.get(i));
                    if (p != null) return "[" + i + "]" + p;
                }
                return null;
            }
            case OBJECT -> {
                Iterator<Map.Entry<String, JsonNode>> it = node.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    int i = loneSurrogate(e.getKey());
                    if (i >= 0) return ": a member name contains a lone surrogate at index " + i;
                    String p = problem(e.getValue());
                    if (p != null) return "." + e.getKey() + p;
                }
                return null;
            }
            default -> {
                return ": JSON value of type " + node.getNodeType() + " has no canonical form";
            }
        }
    }

    /** Index of the first UTF-16 surrogate in {@code s} that is not part of a pair, or -1. */
    private static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else {
                return i;
            }
        }
        return -1;
    }

    private static void writeNumber(JsonNode node, StringBuilder sb) {
        sb.append(safeInteger(node));
    }

    /** The value of a number that has a canonical form: an integer within ±(2^53 − 1). */
    private static long safeInteger(JsonNode node) {
        BigInteger v;
        if (node.isIntegralNumber()) {
            v = node.bigIntegerValue();
        } else {
            // Sized from the exponent before converting: 1e700000000 is 11 characters of JSON, and turning it into a
            // BigInteger (or checking that 1e-700000000 has a fraction) would take minutes and hundreds of MB.
            BigDecimal d = node.decimalValue();
            if (d.signum() != 0 && d.precision() - d.scale() > 16) {
                throw new IllegalArgumentException("number " + node + " is beyond 2^53 - 1; large amounts are decimal strings");
            }
            d = d.stripTrailingZeros();
            if (d.scale() > 0) {
                throw new IllegalArgumentException("fractional number " + node + " is not allowed; the protocol uses"
                        + " integers only");
            }
            v = d.toBigIntegerExact();
        }
        if (v.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
            throw new IllegalArgumentException("integer " + v + " is beyond 2^53 - 1; large amounts are decimal strings");
        }
        return v.longValue();
    }

    /** ECMAScript JSON.stringify string escaping, as RFC 8785 section 3.2.2.2 requires. */
    static void writeString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    } else if (Character.isSurrogate(c)) {
                        // A lone surrogate cannot be encoded in UTF-8; RFC 8785 rejects such strings.
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            throw new IllegalArgumentException("string contains a lone surrogate at index " + i);
                        }
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Compact JSON string literal with the same escaping; used by the seed's declaration-order leaf JSON. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        writeString(s, sb);
        return sb.toString();
    }

}
