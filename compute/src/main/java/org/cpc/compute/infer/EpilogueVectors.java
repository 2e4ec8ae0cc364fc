package org.cpc.compute.infer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Epilogue}'s loops on the Vector API, 8 outputs at a time in 64-bit lanes (the same arithmetic, so the same
 * values). Used only when the JVM has the incubator module and 512-bit vectors ({@link Epilogue}
 * checks before this class is loaded); elsewhere the scalar loops run. Each method handles a multiple of 8 outputs
 * and returns how many, leaving the rest to the caller.
 *
 * <p>{@link IntLinear#output}'s rule on 8 lanes, clamp(outputZero + ((acc·multiplier + rounding) >> shift), low, 127),
 * is written out in each loop that needs it (here and in {@link AccumulatorVectors}) rather than called: a method
 * that takes or returns a vector and that C2 does not inline (when it has already compiled it on its own, as "a big
 * method", or has run out of nodes) gets its vectors as heap objects, and the loop around it ran 4–5× slower in about
 * one JVM in four. {@code EpilogueTest} and {@code InferVerifierTest} hold each copy to the scalar rule.
 */
final class EpilogueVectors {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_256;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_64;
    static final int LANES = 8;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private EpilogueVectors() {}

    /** Whether the hardware has 8 long lanes, without which these loops are slower than the scalar ones. */
    static boolean fast() {
        return LongVector.SPECIES_PREFERRED.length() >= LANES;
    }

    /** Dense, shared shift, no input-sum term: accs = products + base[o]; acts from accs. */
    static int row(MemorySegment products, long from, int[] base, long[] multipliers, int shift, int outputZero, int low,
            int[] accs, byte[] acts, int at, int count) {
        long rounding = 1L << (shift - 1);
        int o = 0;
        for (; o <= count - LANES; o += LANES) {
            IntVector acc = IntVector.fromMemorySegment(INTS, products, 4 * (from + o), ORDER).add(IntVector.fromArray(INTS, base, o));
            acc.intoArray(accs, at + o);
            LongVector y = ((LongVector) acc.convertShape(VectorOperators.I2L, LONGS, 0))
                    .mul(LongVector.fromArray(LONGS, multipliers, o));
            ((ByteVector) y.add(rounding).lanewise(VectorOperators.ASHR, shift).add(outputZero).max(low).min(127)
                    .convertShape(VectorOperators.L2B, BYTES, 0)).intoArray(acts, at + o);
        }
        return o;
    }

    /** Conv, one channel, no input-sum term: accs = products + base; acts from accs. */
    static int channel(MemorySegment products, long from, int base, long multiplier, int shift, int outputZero, int low,
            int[] accs, byte[] acts, int at, int count) {
        long rounding = 1L << (shift - 1);
        int q = 0;
        for (; q <= count - LANES; q += LANES) {
            IntVector acc = IntVector.fromMemorySegment(INTS, products, 4 * (from + q), ORDER).add(base);
            acc.intoArray(accs, at + q);
            LongVector y = ((LongVector) acc.convertShape(VectorOperators.I2L, LONGS, 0)).mul(multiplier);
            ((ByteVector) y.add(rounding).lanewise(VectorOperators.ASHR, shift).add(outputZero).max(low).min(127)
                    .convertShape(VectorOperators.L2B, BYTES, 0)).intoArray(acts, at + q);
        }
        return q;
    }
}
