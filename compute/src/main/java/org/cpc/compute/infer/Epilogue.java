package org.cpc.compute.infer;

import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * A Conv or Dense layer's work after its GEMM, for many outputs at once: the zero-point terms that turn the raw
 * product into the accumulator, then {@link IntLinear#output} on it. The per-channel {@link Requant} records are
 * unpacked into plain arrays once per model so that the loops are plain array arithmetic the JIT can vectorise.
 *
 * <p>Channels usually differ in their shift, and a per-lane shift count keeps the loop scalar. So where it is exact,
 * every channel is brought to the layer's largest shift S: with d = S − shift, multiplier·2^d and rounding 2^(S−1)
 * give (acc·multiplier·2^d + 2^(S−1)) >> S = ⌊2^d·(acc·multiplier + 2^(shift−1)) / 2^S⌋, the same value. It is
 * exact as long as no product overflows a long, which {@link #of} checks against the largest |acc| a channel can
 * produce; a layer where that could happen keeps its own shifts.
 *
 * @param base        per output channel: everything of the accumulator that does not depend on the input (bias and
 *                    the zero-point products; see {@link InferenceExecutor})
 * @param weightZeros per output channel, the weight zero point (the multiplier of the input's sum)
 * @param multipliers per output channel, {@link Requant#multiplier()}, times 2^d when the shift is shared
 * @param shifts      per output channel, {@link Requant#shift()}, or all S when shared
 * @param sharedShift S when every channel uses it, else 0
 */
record Epilogue(int[] base, int[] weightZeros, long[] multipliers, int[] shifts, int sharedShift, int outputZero,
                int low) {
    /** The Vector API loops are used where the module is present (the check comes first: it loads no class). */
    static final boolean VECTORS = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && EpilogueVectors.fast() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    static Epilogue of(IntLinear l) {
        int outputs = l.outputs();
        int[] base = new int[outputs];
        long[] multipliers = new long[outputs];
        int[] shifts = new int[outputs];
        int zx = l.inputZeroPoint();
        int largest = 0;
        for (int o = 0; o < outputs; o++) {
            int rowSum = 0;
            for (int t = 0; t < l.depth(); t++) rowSum += l.weights()[o * l.depth() + t];
            base[o] = l.bias()[o] - zx * rowSum + l.depth() * zx * l.weightZeroPoints()[o];
            largest = Math.max(largest, l.requant()[o].shift());
        }
        boolean shared = true;
        for (int o = 0; o < outputs && shared; o++) {
            Requant r = l.requant()[o];
            long scaled = (long) r.multiplier() << (largest - r.shift());
            shared = largest - r.shift() <= 31 && fits(largestAccumulator(l, o), scaled, largest);
        }
        for (int o = 0; o < outputs; o++) {
            Requant r = l.requant()[o];
            multipliers[o] = shared ? (long) r.multiplier() << (largest - r.shift()) : r.multiplier();
            shifts[o] = shared ? largest : r.shift();
        }
        return new Epilogue(base, l.weightZeroPoints().clone(), multipliers, shifts, shared ? largest : 0,
                l.outputZeroPoint(), l.low());
    }

    /** |acc| ≤ |bias| + Σ_t max|x − zx| · |w − zw| over int8 x. */
    private static long largestAccumulator(IntLinear l, int o) {
        long input = Math.max(Math.abs(-128 - l.inputZeroPoint()), Math.abs(127 - l.inputZeroPoint()));
        long sum = Math.abs((long) l.bias()[o]);
        for (int t = 0; t < l.depth(); t++) sum += input * Math.abs(l.weights()[o * l.depth() + t] - l.weightZeroPoints()[o]);
        return sum;
    }

    /** Whether acc·multiplier ± 2^(shift−1) stays inside a long for every |acc| ≤ bound. */
    private static boolean fits(long bound, long multiplier, int shift) {
        try {
            Math.addExact(Math.multiplyExact(bound, multiplier), 1L << (shift - 1));
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    /**
     * One Dense sample: its products for every output channel, int32 from index {@code from} of {@code products} (in
     * the platform's byte order, heap or native), become accumulators
     * and activations at {@code [at…]}; {@code inputSum} is the sample's Σ x (0 when no weight has a zero point).
     */
    void row(MemorySegment products, long from, int inputSum, int[] accs, byte[] acts, int at) {
        int outputs = base.length;
        if (sharedShift != 0) {
            int s = sharedShift;
            long rounding = 1L << (s - 1);
            int o = inputSum == 0 && VECTORS
                    ? EpilogueVectors.row(products, from, base, multipliers, s, outputZero, low, accs, acts, at, outputs)
                    : 0;
            for (; o < outputs; o++) {
                int acc = products.getAtIndex(JAVA_INT, from + o) + base[o] - weightZeros[o] * inputSum;
                accs[at + o] = acc;
                long y = outputZero + ((acc * multipliers[o] + rounding) >> s);
                acts[at + o] = (byte) Math.max(low, Math.min(127, y));
            }
        } else {
            for (int o = 0; o < outputs; o++) {
                int acc = products.getAtIndex(JAVA_INT, from + o) + base[o] - weightZeros[o] * inputSum;
                accs[at + o] = acc;
                long y = outputZero + ((acc * multipliers[o] + (1L << (shifts[o] - 1))) >> shifts[o]);
                acts[at + o] = (byte) Math.max(low, Math.min(127, y));
            }
        }
    }

    /**
     * {@code count} Conv positions of output channel o: products from int32 index {@code from}, the patches' input
     * sums from {@code inputSums[sumsFrom…]} (null when no weight has a zero point), results at {@code [at…]}.
     */
    void channel(int o, MemorySegment products, long from, int[] inputSums, int sumsFrom, int[] accs, byte[] acts, int at,
            int count) {
        int b = base[o];
        long multiplier = multipliers[o];
        int shift = shifts[o];
        long rounding = 1L << (shift - 1);
        if (inputSums == null) {
            int q = VECTORS
                    ? EpilogueVectors.channel(products, from, b, multiplier, shift, outputZero, low, accs, acts, at, count)
                    : 0;
            for (; q < count; q++) {
                int acc = products.getAtIndex(JAVA_INT, from + q) + b;
                accs[at + q] = acc;
                long y = outputZero + ((acc * multiplier + rounding) >> shift);
                acts[at + q] = (byte) Math.max(low, Math.min(127, y));
            }
        } else {
            int zw = weightZeros[o];
            for (int q = 0; q < count; q++) {
                int acc = products.getAtIndex(JAVA_INT, from + q) + b - zw * inputSums[sumsFrom + q];
                accs[at + q] = acc;
                long y = outputZero + ((acc * multiplier + rounding) >> shift);
                acts[at + q] = (byte) Math.max(low, Math.min(127, y));
            }
        }
    }
}
