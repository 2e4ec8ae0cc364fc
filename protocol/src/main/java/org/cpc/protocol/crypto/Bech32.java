package org.cpc.protocol.crypto;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** BIP-173 bech32 (the original checksum constant 1, not bech32m) over 8-bit data. */
public final class Bech32 {
    public static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    public static final int MAX_LENGTH = 90;
    private static final int CHECKSUM_LENGTH = 6;
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private static final byte[] REVERSE = new byte[128];

    static {
        java.util.Arrays.fill(REVERSE, (byte) -1);
        for (int i = 0; i < CHARSET.length(); i++) REVERSE[CHARSET.charAt(i)] = (byte) i;
    }

    /** The human-readable part and the 8-bit data of a decoded string. */
    public record Decoded(String hrp, byte[] data) {}

    private Bech32() {}

    /** Encodes 8-bit data under a lowercase human-readable part. */
    public static String encode(String hrp, byte[] data) {
        if (hrp == null || hrp.isEmpty()) throw new IllegalArgumentException("bech32 prefix is empty");
        for (int i = 0; i < hrp.length(); i++) {
            char c = hrp.charAt(i);
            if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("bech32 prefix must be lowercase printable ASCII: '" + hrp + "'");
            }
        }
        byte[] values = convertBits(data, 8, 5, true);
        byte[] checksum = checksum(hrp, values);
        StringBuilder sb = new StringBuilder(hrp.length() + 1 + values.length + CHECKSUM_LENGTH).append(hrp).append('1');
        for (byte v : values) sb.append(CHARSET.charAt(v));
        for (byte v : checksum) sb.append(CHARSET.charAt(v));
        if (sb.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("bech32 string would be " + sb.length() + " characters, over the limit of "
                    + MAX_LENGTH);
        }
        return sb.toString();
    }

    /** Decodes and checks a bech32 string; all-uppercase input is accepted and the prefix comes back lowercase. */
    public static Decoded decode(String s) {
        if (s == null || s.isEmpty()) throw new AddressException("address is empty");
        if (s.length() > MAX_LENGTH) {
            throw new AddressException("address is too long: " + s.length() + " characters, at most " + MAX_LENGTH);
        }
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                throw new AddressException("invalid character " + describe(c) + " at position " + i + " of the address");
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower && upper) throw new AddressException("address mixes upper and lower case: '" + s + "'");
        String str = s.toLowerCase(Locale.ROOT);
        int sep = str.lastIndexOf('1');
        if (sep < 0) throw new AddressException("address has no '1' separator between prefix and data: '" + s + "'");
        if (sep == 0) throw new AddressException("address has an empty prefix before the '1' separator: '" + s + "'");
        if (str.length() - sep - 1 < CHECKSUM_LENGTH) {
            throw new AddressException("address is too short: fewer than " + CHECKSUM_LENGTH
                    + " characters after the '1' separator: '" + s + "'");
        }
        String hrp = str.substring(0, sep);
        byte[] values = new byte[str.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            char c = str.charAt(sep + 1 + i);
            byte v = REVERSE[c];
            if (v < 0) {
                throw new AddressException("invalid character " + describe(s.charAt(sep + 1 + i)) + " at position "
                        + (sep + 1 + i) + " (bech32 data uses only " + CHARSET + ")");
            }
            values[i] = v;
        }
        if (polymod(hrp, values, values.length) != 1) {
            throw new AddressException("bad checksum: '" + s + "' has a typo or was not copied whole");
        }
        byte[] payload = java.util.Arrays.copyOf(values, values.length - CHECKSUM_LENGTH);
        return new Decoded(hrp, convertBits(payload, 5, 8, false));
    }

    private static String describe(char c) {
        return c >= 33 && c <= 126 ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static byte[] checksum(String hrp, byte[] values) {
        byte[] withZeros = java.util.Arrays.copyOf(values, values.length + CHECKSUM_LENGTH);
        int mod = polymod(hrp, withZeros, withZeros.length) ^ 1;
        byte[] out = new byte[CHECKSUM_LENGTH];
        for (int i = 0; i < CHECKSUM_LENGTH; i++) out[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        return out;
    }

    private static int polymod(String hrp, byte[] values, int length) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) chk = step(chk, hrp.charAt(i) >> 5);
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) chk = step(chk, hrp.charAt(i) & 31);
        for (int i = 0; i < length; i++) chk = step(chk, values[i]);
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) chk ^= GENERATOR[i];
        }
        return chk;
    }

    /** Regroups bits; when decoding, leftover bits must be fewer than {@code from} and all zero (BIP-173). */
    private static byte[] convertBits(byte[] in, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int maxv = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * from / to + 1);
        for (byte b : in) {
            acc = (acc << from) | (b & 0xff);
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & maxv);
            }
        }
        if (pad) {
            if (bits > 0) out.write((acc << (to - bits)) & maxv);
        } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
            throw new AddressException("bad length: the data does not fill whole bytes (non-zero or excess padding)");
        }
        return out.toByteArray();
    }
}
