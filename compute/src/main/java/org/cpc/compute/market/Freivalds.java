package org.cpc.compute.market;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * Freivalds' check of rows of C = A·B without computing the product: with secret random vectors r,
 * A_rows·(B·r) must equal C_rows·r. Arithmetic is in Z/2^64 (Java's wrapping long), with {@link #ROUNDS} independent
 * vectors of uniform 64-bit entries.
 *
 * <p>Soundness: a wrong row differs from the true one by a nonzero integer vector d with |d_j| &lt; 2^33 (both are
 * int32), so some d_j has 2-adic valuation v ≤ 32. For uniform r, d·r mod 2^64 is uniform over a subgroup of size at
 * least 2^(64−v) ≥ 2^32, hence zero with probability ≤ 2^-32 per round, and ≤ 2^-64 for two independent rounds:
 * below the 2^-40 per job asked for. The exact product fits int32 (|a·b| ≤ 2^14, k ≤ 2^16), so "equal mod 2^64"
 * of the true C loses nothing.
 *
 * <p>Cost: B·r once per task (k·n), then per job A_rows·(B·r) (rows·k) and C_rows·r (rows·n), which reads every
 * entry of the job's output exactly once. Thread-safe after construction.
 */
public final class Freivalds {
    public static final int ROUNDS = 2;
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment a;
    private final int k;
    private final int n;
    private final long[] r0;
    private final long[] r1;
    private final long[] br0;
    private final long[] br1;

    /** @param a A (m×k int8), @param b B (k×n int8), @param secret the validator's private randomness */
    public Freivalds(MemorySegment a, MemorySegment b, int k, int n, RandomGenerator secret) {
        this.a = a;
        this.k = k;
        this.n = n;
        r0 = new long[n];
        r1 = new long[n];
        for (int j = 0; j < n; j++) {
            r0[j] = secret.nextLong();
            r1[j] = secret.nextLong();
        }
        br0 = new long[k];
        br1 = new long[k];
        byte[] row = new byte[n];
        long[] s = new long[2];
        for (int i = 0; i < k; i++) {
            MemorySegment.copy(b, ValueLayout.JAVA_BYTE, (long) i * n, row, 0, n);
            dots(row, r0, r1, s);
            br0[i] = s[0];
            br1[i] = s[1];
        }
    }

    /** x·y0 and x·y1 for an int8 row x, in one pass, into {@code s[0]} and {@code s[1]}. */
    private static void dots(byte[] x, long[] y0, long[] y1, long[] s) {
        long s0 = 0;
        long s1 = 0;
        for (int j = 0; j < x.length; j++) {
            long v = x[j];
            s0 += v * y0[j];
            s1 += v * y1[j];
        }
        s[0] = s0;
        s[1] = s1;
    }

    /**
     * Checks rows [row0, row0 + rows) of C given as little-endian int32, row-major, {@code rows·n·4} bytes.
     *
     * @return -1 when every row passes, else the index (within the block) of the first row that fails
     */
    public int check(int row0, int rows, byte[] c) {
        if (c.length != 4L * rows * n) {
            throw new IllegalArgumentException("C block is " + c.length + " bytes, expected " + 4L * rows * n);
        }
        byte[] arow = new byte[k];
        long[] e = new long[2];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(a, ValueLayout.JAVA_BYTE, (long) (row0 + r) * k, arow, 0, k);
            dots(arow, br0, br1, e);
            long g0 = 0;
            long g1 = 0;
            int base = r * n * 4;
            for (int j = 0; j < n; j++) {
                long v = (int) LE_INT.get(c, base + 4 * j);
                g0 += v * r0[j];
                g1 += v * r1[j];
            }
            if (e[0] != g0 || e[1] != g1) return r;
        }
        return -1;
    }
}
