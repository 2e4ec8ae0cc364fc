package org.cpc.protocol.codec;

/** Lowercase hex without a {@code 0x} prefix, the protocol's only hex form. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** Decodes lowercase hex; uppercase, a prefix, odd length or any other character is an error. */
    public static byte[] decode(String hex) {
        if (hex == null) throw new IllegalArgumentException("hex string is null");
        if ((hex.length() & 1) != 0) {
            throw new IllegalArgumentException("hex string has odd length " + hex.length());
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((nibble(hex, 2 * i) << 4) | nibble(hex, 2 * i + 1));
        }
        return out;
    }

    /** Decodes hex that must encode exactly {@code length} bytes; {@code what} names the field in the error. */
    public static byte[] decode(String hex, int length, String what) {
        if (hex == null || hex.length() != 2 * length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes as " + (2 * length)
                    + " lowercase hex characters, got " + (hex == null ? "null" : hex.length() + " characters"));
        }
        try {
            return decode(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    public static boolean isHex(String s) {
        if (s == null || (s.length() & 1) != 0) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    private static int nibble(String s, int i) {
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw new IllegalArgumentException("invalid hex character '" + c + "' at position " + i
                + " (hex must be lowercase 0-9a-f, no 0x prefix)");
    }
}
