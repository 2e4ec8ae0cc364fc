package org.cpc.compute.infer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AccumulatorRows}' loops on the Vector API, 8 values at a time in 64-bit lanes; loaded only where
 * {@link Epilogue#VECTORS} holds. Each method handles a prefix of whole vectors and leaves the rest (and, for
 * {@link #check}, the vector that holds a failure) to the scalar loop, which says exactly where it is. A sum is
 * folded mod p in place (x &amp; p + x >>> 31) rather than in a method of its own: when the JIT did not inline that
 * method ("callee uses too much stack") it boxed the vectors, and the check of a job ran 4× slower in some JVMs.
 */
final class AccumulatorVectors {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;
    private static final int LANES = 8;
    private static final long LOW32 = 0xFFFF_FFFFL;

    private AccumulatorVectors() {}

    /**
     * How many of the first n accumulators (from byte {@code at} of {@code acc}) lie in [lo, lo + width] and
     * requantize to the activations from {@code acts[actAt]}: a multiple of 8, stopping before the first vector
     * with a value that does not. {@code rounding} is lo·multiplier + 2^(shift−1), so that the product of acc − lo
     * gives the requantization of acc. In the same pass, Σ s0[q]·(acc[q] − lo) and the same with s1 over the values
     * that pass, mod p, into {@code sums[0]} and {@code sums[1]} (two Freivalds rounds: see {@link #dot}).
     */
    static int check(MemorySegment acc, long at, ByteOrder order, byte[] acts, int actAt, int n, int lo, int width,
            long multiplier, long rounding, int shift, int outputZero, int low, long[] s0, long[] s1, long[] sums) {
        MemorySegment row = acc.asSlice(at, 4L * n);
        LongVector sum0 = LongVector.zero(LONGS);
        LongVector sum1 = LongVector.zero(LONGS);
        // Every factor is masked to its low 32 bits (which changes none: acc − lo, multiplier and s are below 2^31
        // wherever the result counts), the form in which C2 may multiply 32 × 32 → 64 bits (VPMULUDQ, one µop)
        // instead of 64 × 64 (VPMULLQ, three): about 5 % faster here (Sapphire Rapids), best of 4 s, three pairs.
        LongVector m = LongVector.broadcast(LONGS, multiplier).and(LOW32);
        int q = 0;
        int pending = 0;
        for (; q <= n - LANES; q += LANES) {
            IntVector a = IntVector.fromMemorySegment(INTS, row, 4L * q, order).sub(lo);
            LongVector wide = ((LongVector) a.convertShape(VectorOperators.I2L, LONGS, 0)).and(LOW32);
            LongVector y = EpilogueVectors.requantize(wide.mul(m), rounding, shift, outputZero, low);
            LongVector x = (LongVector) ByteVector.fromArray(BYTES, acts, actAt + q)
                    .convertShape(VectorOperators.B2L, LONGS, 0);
            if (a.compare(VectorOperators.UGT, width).anyTrue() || y.compare(VectorOperators.NE, x).anyTrue()) {
                break;
            }
            sum0 = sum0.add(wide.mul(LongVector.fromArray(LONGS, s0, q).and(LOW32)));
            sum1 = sum1.add(wide.mul(LongVector.fromArray(LONGS, s1, q).and(LOW32)));
            if (++pending == 3) {
                sum0 = sum0.and(Field31.P).add(sum0.lanewise(VectorOperators.LSHR, 31));
                sum1 = sum1.and(Field31.P).add(sum1.lanewise(VectorOperators.LSHR, 31));
                pending = 0;
            }
        }
        sums[0] = total(sum0);
        sums[1] = total(sum1);
        return q;
    }

    /**
     * {@link #check} for one sample of a Dense layer, 8 channels a lane each: per channel o its range from lo[o]
     * (width[o]), multiplier, rounding (lo·multiplier + 2^(shift−1)) and shift; Σ_o r0[o]·(acc[o] − lo[o]) and the
     * same with r1 into {@code sums}.
     */
    static int checkRow(MemorySegment acc, long at, ByteOrder order, byte[] acts, int n, int[] lo, int[] width,
            long[] multipliers, long[] roundings, long[] shifts, int outputZero, int low, long[] r0, long[] r1,
            long[] sums) {
        MemorySegment row = acc.asSlice(at, 4L * n);
        LongVector sum0 = LongVector.zero(LONGS);
        LongVector sum1 = LongVector.zero(LONGS);
        int o = 0;
        for (; o <= n - LANES; o += LANES) {
            IntVector a = IntVector.fromMemorySegment(INTS, row, 4L * o, order).sub(IntVector.fromArray(INTS, lo, o));
            LongVector wide = ((LongVector) a.convertShape(VectorOperators.I2L, LONGS, 0)).and(LOW32);
            LongVector product = wide.mul(LongVector.fromArray(LONGS, multipliers, o).and(LOW32));
            LongVector y = EpilogueVectors.requantize(product, LongVector.fromArray(LONGS, roundings, o),
                    LongVector.fromArray(LONGS, shifts, o), outputZero, low);
            LongVector x = (LongVector) ByteVector.fromArray(BYTES, acts, o).convertShape(VectorOperators.B2L, LONGS, 0);
            if (a.compare(VectorOperators.UGT, IntVector.fromArray(INTS, width, o)).anyTrue()
                    || y.compare(VectorOperators.NE, x).anyTrue()) {
                break;
            }
            // a row has few channels: folded at every step, below 2^32 + 2^61
            LongVector t0 = sum0.add(wide.mul(LongVector.fromArray(LONGS, r0, o).and(LOW32)));
            LongVector t1 = sum1.add(wide.mul(LongVector.fromArray(LONGS, r1, o).and(LOW32)));
            sum0 = t0.and(Field31.P).add(t0.lanewise(VectorOperators.LSHR, 31));
            sum1 = t1.and(Field31.P).add(t1.lanewise(VectorOperators.LSHR, 31));
        }
        sums[0] = total(sum0);
        sums[1] = total(sum1);
        return o;
    }

    /**
     * Σ s[sAt + q]·(acc[q] − lo) over the first ⌊n/8⌋·8 accumulators, reduced mod p: each product is below 2^61
     * (acc − lo ≤ 2^30, s &lt; 2^31), so three of them and a folded sum (below 2^32) fit a lane before it folds again.
     */
    static long dot(MemorySegment acc, long at, ByteOrder order, int n, int lo, long[] s, int sAt) {
        MemorySegment row = acc.asSlice(at, 4L * n);
        LongVector sum = LongVector.zero(LONGS);
        int q = 0;
        int pending = 0;
        for (; q <= n - LANES; q += LANES) {
            LongVector a = (LongVector) IntVector.fromMemorySegment(INTS, row, 4L * q, order).sub(lo)
                    .convertShape(VectorOperators.I2L, LONGS, 0);
            sum = sum.add(a.mul(LongVector.fromArray(LONGS, s, sAt + q)));
            if (++pending == 3) {
                sum = sum.and(Field31.P).add(sum.lanewise(VectorOperators.LSHR, 31));
                pending = 0;
            }
        }
        return total(sum);
    }

    /** The sum of the lanes mod p, lanes below 2^63 (once a pass: a vector argument that is boxed costs little here). */
    private static long total(LongVector sum) {
        return Field31.reduce(sum.and(Field31.P).add(sum.lanewise(VectorOperators.LSHR, 31)).reduceLanes(VectorOperators.ADD));
    }

    /** Σ x[xAt + i]·w[wAt + i] over the first ⌊n/8⌋·8 int8 values, exactly (|x·w| &lt; 2^38; n ≤ 2^24). */
    static long dotBytes(byte[] x, int xAt, long[] w, int wAt, int n) {
        LongVector sum = LongVector.zero(LONGS);
        for (int i = 0; i <= n - LANES; i += LANES) {
            LongVector v = (LongVector) ByteVector.fromArray(BYTES, x, xAt + i).convertShape(VectorOperators.B2L, LONGS, 0);
            sum = sum.add(v.mul(LongVector.fromArray(LONGS, w, wAt + i)));
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
