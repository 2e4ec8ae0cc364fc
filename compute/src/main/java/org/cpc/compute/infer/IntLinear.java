package org.cpc.compute.infer;

/**
 * The integer parameters of a Conv or Dense layer. For output channel o and an input column x (a conv patch, or the
 * whole input of a dense layer), all in exact integers:
 * <pre>
 *   acc[o] = Σ_t (x[t] − inputZeroPoint) · (weights[o·depth + t] − weightZeroPoints[o]) + bias[o]
 *   y[o]   = clamp(outputZeroPoint + requant[o].apply(acc[o]), relu ? max(−128, outputZeroPoint) : −128, 127)
 * </pre>
 * The bounds (depth ≤ {@link #MAX_DEPTH}, |bias| ≤ 2^30) keep every acc inside int32, so no implementation ever
 * has to think about overflow.
 *
 * @param weights outputs × depth int8, row-major (ONNX's Conv layout, OC × C·kh·kw)
 */
public record IntLinear(int outputs, int depth, byte[] weights, int[] weightZeroPoints, int[] bias, Requant[] requant,
                        int inputZeroPoint, int outputZeroPoint, boolean relu) {
    /** 16384 · 255 · 255 + 2^30 &lt; 2^31. */
    public static final int MAX_DEPTH = 16_384;
    public static final int MAX_BIAS = 1 << 30;

    public IntLinear {
        if (outputs < 1 || depth < 1 || depth > MAX_DEPTH) {
            throw new OnnxException("a layer needs 1.." + MAX_DEPTH + " inputs per output, got " + depth);
        }
        if (weights.length != (long) outputs * depth || weightZeroPoints.length != outputs || bias.length != outputs
                || requant.length != outputs) {
            throw new OnnxException("layer parameters do not match " + outputs + " outputs × " + depth + " inputs");
        }
        int8(inputZeroPoint, "input zero point");
        int8(outputZeroPoint, "output zero point");
        for (int z : weightZeroPoints) int8(z, "weight zero point");
        for (int b : bias) {
            if (b < -MAX_BIAS || b > MAX_BIAS) throw new OnnxException("bias " + b + " outside ±2^30");
        }
    }

    /** Lowest output value: ReLU clamps at the zero point, the quantized 0.0. */
    public int low() {
        return relu ? Math.max(-128, outputZeroPoint) : -128;
    }

    /** The output value for an accumulator of channel o. */
    public byte output(int o, int acc) {
        long y = outputZeroPoint + requant[o].apply(acc);
        return (byte) Math.max(low(), Math.min(127, y));
    }

    private static void int8(int v, String what) {
        if (v < -128 || v > 127) throw new OnnxException(what + " " + v + " is not an int8");
    }
}
