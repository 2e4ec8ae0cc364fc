package org.cpc.compute.infer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The {@link TraceVerifier}'s passes over a run of accumulators of one output channel (a Conv channel's positions)
 * and over int8 inputs: on the Vector API where {@link Epilogue#VECTORS} holds ({@link AccumulatorVectors}), the
 * remainder here, value by value, with the same arithmetic.
 */
final class AccumulatorRows {
    /** Larger runs are summed in chunks, so that an exact int8 · 31-bit sum never leaves a long. */
    static final int CHUNK = 1 << 20;

    private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private AccumulatorRows() {}

    /** The little-endian int32 at byte {@code at}. */
    static int get(byte[] acc, int at) {
        return (int) LITTLE_ENDIAN_INT.get(acc, at);
    }

    /**
     * The first q in [0, n) whose accumulator lies outside [lo, lo + width] or whose activation is not its
     * requantization ({@link IntLinear#output} of channel o), or n when all pass; then also Σ_q s0[q]·(acc[q] − lo)
     * and Σ_q s1[q]·(acc[q] − lo) mod p in {@code sums[0]} and {@code sums[1]}, two Freivalds rounds in the same pass.
     */
    static int check(IntLinear l, int o, byte[] acc, int at, byte[] acts, int actAt, int n,
            int lo, int width, PositionWeights s0, PositionWeights s1, long[] sums) {
        Requant r = l.requant()[o];
        int q = 0;
        if (Epilogue.VECTORS) {
            q = AccumulatorVectors.check(acc, at, acts, actAt, n, lo, width, r.multiplier(),
                    (long) lo * r.multiplier() + (1L << (r.shift() - 1)), r.shift(), l.outputZeroPoint(), l.low(), s0,
                    s1, sums);
        } else {
            sums[0] = 0;
            sums[1] = 0;
        }
        for (; q < n; q++) {
            int a = get(acc, at + 4 * q);
            if (Integer.compareUnsigned(a - lo, width) > 0 || acts[actAt + q] != l.output(o, a)) return q;
            sums[0] = Field31.reduce(sums[0] + (long) (a - lo) * s0.all()[q]);
            sums[1] = Field31.reduce(sums[1] + (long) (a - lo) * s1.all()[q]);
        }
        return n;
    }

    /** Σ_q s[sAt + q]·(acc[q] − lo) mod p, for accumulators in [lo, lo + 2^30]. */
    static long dot(byte[] acc, int at, int n, int lo, long[] s, int sAt) {
        long sum = Epilogue.VECTORS ? AccumulatorVectors.dot(acc, at, n, lo, s, sAt) : 0;
        for (int q = Epilogue.VECTORS ? n & -8 : 0; q < n; q++) {
            long a = get(acc, at + 4 * q) - (long) lo;
            sum = Field31.reduce(sum + a * s[sAt + q]);
        }
        return sum;
    }

    /** Σ_i x[xAt + i]·w[wAt + i] mod p for int8 x and w in [0, p). */
    static long dotBytes(byte[] x, int xAt, long[] w, int wAt, int n) {
        long total = 0;
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c);
            long sum = Epilogue.VECTORS ? AccumulatorVectors.dotBytes(x, xAt + c, w, wAt + c, m) : 0;
            for (int i = Epilogue.VECTORS ? m & -8 : 0; i < m; i++) sum += x[xAt + c + i] * w[wAt + c + i];
            total = Field31.add(total, Field31.of(sum));
        }
        return total;
    }
}
