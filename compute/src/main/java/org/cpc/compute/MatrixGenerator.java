package org.cpc.compute;

import java.util.Objects;

/**
 * The synthetic task's operands: n×n int8 matrices, row-major, taken from the ChaCha20 (RFC 8439) keystream
 * keyed by the task seed, block counter from 0, nonce eleven zero bytes then 0x01 (A) or 0x02 (B).
 *
 * <p>Any row range can be generated on its own by starting the block counter inside the stream, which is
 * what lets a verifier regenerate only the k challenged rows of A.
 */
public final class MatrixGenerator {
    /** Largest matrix side accepted anywhere in the engine: C alone is 4·n² bytes (1 GiB at 16384). */
    public static final int MAX_N = 16384;

    /** Which operand: the last nonce byte. */
    public enum Operand {
        A(1), B(2);

        private final byte nonceTag;

        Operand(int nonceTag) {
            this.nonceTag = (byte) nonceTag;
        }

        byte[] nonce() {
            byte[] nonce = new byte[12];
            nonce[11] = nonceTag;
            return nonce;
        }
    }

    private MatrixGenerator() {}

    /** The whole n×n matrix. */
    public static byte[] generate(byte[] seed, Operand operand, int n) {
        checkSize(n);
        byte[] out = new byte[n * n];
        generateRows(seed, operand, n, 0, n, out, 0);
        return out;
    }

    /** Rows [r0, r1) of the n×n matrix into {@code dest} from {@code destOffset}, (r1 - r0)·n bytes. */
    public static void generateRows(byte[] seed, Operand operand, int n, int r0, int r1, byte[] dest, int destOffset) {
        checkSize(n);
        if (r0 < 0 || r1 > n || r0 > r1) {
            throw new IllegalArgumentException("row range [" + r0 + ", " + r1 + ") is not inside a matrix of " + n + " rows");
        }
        long start = (long) r0 * n;
        long length = (long) (r1 - r0) * n;
        Objects.checkFromIndexSize(destOffset, length, dest.length);
        if (seed.length != 32) throw new IllegalArgumentException("a task seed is 32 bytes, got " + seed.length);
        ChaCha20Keystream.fill(seed, operand.nonce(), start, dest, destOffset, (int) length);
    }

    static void checkSize(int n) {
        if (n < 1 || n > MAX_N) {
            throw new IllegalArgumentException("matrix size " + n + " is out of range: it must be 1.." + MAX_N);
        }
    }
}
