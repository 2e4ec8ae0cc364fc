package org.cpc.chain.state;

import java.util.Arrays;
import org.cpc.protocol.codec.Hex;

/** An immutable byte string usable as a map key, ordered as unsigned bytes (lexicographic). */
public final class ByteKey implements Comparable<ByteKey> {
    private final byte[] bytes;
    private final int hash;

    public ByteKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = mix(bytes);
    }

    /** A well-spread hash (keys are often hash prefixes padded with zeros, which Arrays.hashCode spreads poorly). */
    private static int mix(byte[] b) {
        long h = 0x9E3779B97F4A7C15L ^ b.length;
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long w = 0;
            for (int j = 0; j < 8; j++) w = (w << 8) | (b[i + j] & 0xff);
            h = (h ^ w) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        for (; i < b.length; i++) h = (h ^ (b[i] & 0xff)) * 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    /** The bytes; callers must not modify them. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(ByteKey o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }
}
