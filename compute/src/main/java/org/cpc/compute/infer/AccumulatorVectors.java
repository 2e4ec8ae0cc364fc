package org.cpc.compute.infer;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AccumulatorRows}' loops on the Vector API, 8 values at a time in 64-bit lanes (16 in {@link #check});
 * loaded only where {@link Epilogue#VECTORS} holds. Each method handles a prefix of whole vectors and leaves the rest
 * (and, for {@link #check}, a run that holds a failure) to the scalar loop, which says exactly where it is. No loop
 * calls a method of ours with a vector argument (a sum is folded mod p in place, x &amp; p + x >>> 31; the
 * requantization is written out): one that C2 does not inline boxes its vectors (see {@link EpilogueVectors}).
 */
final class AccumulatorVectors {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;
    private static final int LANES = 8;
    private static final long LOW32 = 0xFFFF_FFFFL;
    /** {@link #check}'s 16 ints a step, their activations, and the odd lanes (the high halves of the pairs). */
    private static final VectorSpecies<Integer> WIDE_INTS = IntVector.SPECIES_512;
    private static final VectorSpecies<Byte> WIDE_BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> WIDE_BYTES_OF_INTS = ByteVector.SPECIES_512;
    private static final VectorSpecies<Byte> BYTES_OF_INTS = ByteVector.SPECIES_256;
    private static final int WIDE = 16;
    private static final VectorMask<Integer> ODD = VectorMask.fromLong(WIDE_INTS, 0xAAAAL);

    private AccumulatorVectors() {}

    /**
     * How many of the first n accumulators (from byte {@code at} of {@code acc}) this pass has checked: all but the
     * last n mod 16 if every one of them lies in [lo, lo + width] and requantizes to its activation from
     * {@code acts[actAt]}, else 0 (and the scalar loop finds the value and says what is wrong with it). In the same
     * pass, Σ s0[q]·(acc[q] − lo) and the same with s1, mod p, into {@code sums[0]} and {@code sums[1]} (two
     * Freivalds rounds: see {@link #dot}). {@code rounding} is lo·multiplier + 2^(shift−1), so that the product of
     * acc − lo gives the requantization of acc.
     *
     * <p>16 accumulators a step, read as one 512-bit vector of ints and, for the 64-bit products, as 8 pairs: the
     * even ones are the pairs' low halves and the odd ones their high halves, each multiplied 32 × 32 → 64 bits
     * (VPMULUDQ) without widening the ints first. The range and the activations are compared on all 16 ints; the
     * comparisons are gathered in a mask and tested once, after the run, because a trace is almost always right.
     */
    static int check(byte[] acc, int at, byte[] acts, int actAt, int n, int lo, int width,
            long multiplier, long rounding, int shift, int outputZero, int low, PositionWeights s0, PositionWeights s1,
            long[] sums) {
        LongVector sum0 = LongVector.zero(LONGS);
        LongVector sum1 = LongVector.zero(LONGS);
        LongVector m = LongVector.broadcast(LONGS, multiplier).and(LOW32);
        VectorMask<Integer> wrong = WIDE_INTS.maskAll(false);
        long[] e0 = s0.even(), o0 = s0.odd(), e1 = s1.even(), o1 = s1.odd();
        // A step adds two products below (width + 1)·2^31 to each lane; fold before a lane could pass 2^63.
        int every = (int) Math.min(1 << 20, Math.max(1, (Long.MAX_VALUE - (1L << 35)) / (((long) width + 1) << 32)));
        int untilFold = every;
        int q = 0;
        for (; q <= n - WIDE; q += WIDE) {
            IntVector a = ByteVector.fromArray(WIDE_BYTES_OF_INTS, acc, at + 4 * q).reinterpretAsInts().sub(lo);
            wrong = wrong.or(a.compare(VectorOperators.UGT, width));
            LongVector pairs = a.reinterpretAsLongs();
            LongVector even = pairs.and(LOW32);
            LongVector odd = pairs.lanewise(VectorOperators.LSHR, 32);
            // the requantization rule, written out in place: see EpilogueVectors
            LongVector ye = even.mul(m).add(rounding).lanewise(VectorOperators.ASHR, shift).add(outputZero).max(low).min(127);
            LongVector yo = odd.mul(m).add(rounding).lanewise(VectorOperators.ASHR, shift).add(outputZero).max(low).min(127);
            IntVector y = ye.reinterpretAsInts().blend(yo.lanewise(VectorOperators.LSHL, 32).reinterpretAsInts(), ODD);
            IntVector x = (IntVector) ByteVector.fromArray(WIDE_BYTES, acts, actAt + q)
                    .convertShape(VectorOperators.B2I, WIDE_INTS, 0);
            wrong = wrong.or(y.compare(VectorOperators.NE, x));
            int h = q >>> 1;
            sum0 = sum0.add(even.mul(LongVector.fromArray(LONGS, e0, h).and(LOW32)))
                    .add(odd.mul(LongVector.fromArray(LONGS, o0, h).and(LOW32)));
            sum1 = sum1.add(even.mul(LongVector.fromArray(LONGS, e1, h).and(LOW32)))
                    .add(odd.mul(LongVector.fromArray(LONGS, o1, h).and(LOW32)));
            if (--untilFold == 0) {
                sum0 = sum0.and(Field31.P).add(sum0.lanewise(VectorOperators.LSHR, 31));
                sum1 = sum1.and(Field31.P).add(sum1.lanewise(VectorOperators.LSHR, 31));
                untilFold = every;
            }
        }
        if (wrong.anyTrue()) {
            sums[0] = 0;
            sums[1] = 0;
            return 0;
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
    static int checkRow(byte[] acc, int at, byte[] acts, int n, int[] lo, int[] width,
            long[] multipliers, long[] roundings, long[] shifts, int outputZero, int low, long[] r0, long[] r1,
            long[] sums) {
        LongVector sum0 = LongVector.zero(LONGS);
        LongVector sum1 = LongVector.zero(LONGS);
        int o = 0;
        for (; o <= n - LANES; o += LANES) {
            IntVector a = ByteVector.fromArray(BYTES_OF_INTS, acc, at + 4 * o).reinterpretAsInts()
                    .sub(IntVector.fromArray(INTS, lo, o));
            LongVector wide = ((LongVector) a.convertShape(VectorOperators.I2L, LONGS, 0)).and(LOW32);
            LongVector product = wide.mul(LongVector.fromArray(LONGS, multipliers, o).and(LOW32));
            LongVector y = product.add(LongVector.fromArray(LONGS, roundings, o))
                    .lanewise(VectorOperators.ASHR, LongVector.fromArray(LONGS, shifts, o)).add(outputZero).max(low).min(127);
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
    static long dot(byte[] acc, int at, int n, int lo, long[] s, int sAt) {
        LongVector sum = LongVector.zero(LONGS);
        int q = 0;
        int pending = 0;
        for (; q <= n - LANES; q += LANES) {
            LongVector a = (LongVector) ByteVector.fromArray(BYTES_OF_INTS, acc, at + 4 * q).reinterpretAsInts().sub(lo)
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
