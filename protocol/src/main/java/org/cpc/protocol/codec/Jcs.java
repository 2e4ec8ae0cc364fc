package org.cpc.protocol.codec;

import com.fasterxml.jackson.databind.JsonNode;
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

    private static void writeNumber(JsonNode node, StringBuilder sb) {
        BigInteger v;
        if (node.isIntegralNumber()) {
            v = node.bigIntegerValue();
        } else {
            try {
                v = node.decimalValue().toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("fractional number " + node + " is not allowed; the protocol uses"
                        + " integers only");
            }
        }
        if (v.abs().compareTo(BigInteger.valueOf(MAX_SAFE_INTEGER)) > 0) {
            throw new IllegalArgumentException("integer " + v + " is beyond 2^53 - 1; large amounts are decimal strings");
        }
        sb.append(v.longValue());
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
