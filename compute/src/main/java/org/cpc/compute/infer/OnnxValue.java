package org.cpc.compute.infer;

/**
 * What a tensor name stands for while {@link OnnxImporter} walks a graph: an int8 tensor of the chain ({@link Quant}),
 * its float view ({@link Dequant}), a dequantized constant ({@link ConstDq}), or the result of a Conv/MatMul/Gemm
 * still waiting for its {@code QuantizeLinear} ({@link Pending}, {@link IntAcc}, {@link CastAcc}).
 */
sealed interface OnnxValue permits OnnxValue.FloatInput, OnnxValue.Quant, OnnxValue.Dequant, OnnxValue.ConstDq,
        OnnxValue.Pending, OnnxValue.IntAcc, OnnxValue.CastAcc {
    /** The graph's float input, before its QuantizeLinear. */
    record FloatInput(Shape shape) implements OnnxValue {}

    /** An int8 tensor of the chain: the model input (producer 0) or the output of op producer − 1. */
    record Quant(Shape shape, float scale, int zeroPoint, int producer) implements OnnxValue {}

    /** The float view DequantizeLinear gives of a Quant (same scale and zero point). */
    record Dequant(Quant q) implements OnnxValue {}

    /** DequantizeLinear of a constant: int values (uint8 shifted to int8), scales and zero points along {@code axis}. */
    record ConstDq(String name, long[] dims, int[] values, float[] scales, int[] zeroPoints, int axis,
                   int dataType) implements OnnxValue {}

    /**
     * Conv, MatMul or Gemm on a Dequant, waiting for bias, ReLU and its QuantizeLinear; window null for Dense. The
     * product's scale per output channel is inScale·weightScales[o]: inScale is the input's scale for the float forms
     * and 1 for the integer ones, whose weightScales are the product scales the graph states.
     */
    record Pending(String node, Quant in, float inScale, Window window, int outputs, int depth, byte[] weights,
                   int[] weightZeroPoints, float[] weightScales, int[] bias, boolean relu) implements OnnxValue {
        Pending withBias(int[] b) {
            return new Pending(node, in, inScale, window, outputs, depth, weights, weightZeroPoints, weightScales, b,
                    relu);
        }

        Pending withRelu() {
            return new Pending(node, in, inScale, window, outputs, depth, weights, weightZeroPoints, weightScales, bias,
                    true);
        }

        Pending withProductScales(float[] scales) {
            return new Pending(node, in, 1f, window, outputs, depth, weights, weightZeroPoints, scales, bias, relu);
        }
    }

    /** The int32 result of a MatMulInteger or ConvInteger (its bias Add folded in), before its rescale to float. */
    record IntAcc(Pending p) implements OnnxValue {}

    /** An IntAcc through Cast to float, waiting for the Mul by its product scale. */
    record CastAcc(Pending p) implements OnnxValue {}
}
