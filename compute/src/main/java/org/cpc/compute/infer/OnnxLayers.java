package org.cpc.compute.infer;

import static org.cpc.compute.infer.OnnxNodes.checkChannelShape;
import static org.cpc.compute.infer.OnnxNodes.floatAttr;
import static org.cpc.compute.infer.OnnxNodes.intAttr;
import static org.cpc.compute.infer.OnnxNodes.intsAttr;
import static org.cpc.compute.infer.OnnxNodes.noAutoPad;
import static org.cpc.compute.infer.OnnxNodes.refuse;
import static org.cpc.compute.infer.OnnxNodes.shift;
import static org.cpc.compute.infer.OnnxNodes.window;

import java.util.Arrays;
import org.cpc.compute.infer.OnnxValue.CastAcc;
import org.cpc.compute.infer.OnnxValue.ConstDq;
import org.cpc.compute.infer.OnnxValue.IntAcc;
import org.cpc.compute.infer.OnnxValue.Pending;
import org.cpc.compute.infer.OnnxValue.Quant;

/**
 * The import of the nodes that make a layer: the quantized products in their three forms (QOperator
 * {@code QLinearConv}/{@code QLinearMatMul}; QDQ {@code Conv}/{@code MatMul}/{@code Gemm} on dequantized tensors;
 * {@code MatMulInteger}/{@code ConvInteger} with their {@code Cast} and {@code Mul} or {@code DequantizeLinear}
 * rescale), their int32 bias {@code Add} and {@code Relu}, each checked and turned into a {@link OnnxValue.Pending}
 * layer that {@link OnnxScope#emit} finishes at its {@code QuantizeLinear}.
 */
final class OnnxLayers {
    /** Relative difference allowed between a bias's scale and s_in·s_w (the bias integers are used unchanged). */
    static final double BIAS_SCALE_TOLERANCE = 0x1p-20;

    private final OnnxScope scope;

    OnnxLayers(OnnxScope scope) {
        this.scope = scope;
    }

    /** QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) or QLinearMatMul (a, …, y_zp). */
    OnnxValue qlinear(OnnxProto.Node node, boolean conv) {
        if (!(scope.value(node, 0) instanceof Quant q)) throw refuse(node, "input is not an int8 tensor of the model");
        if (Float.floatToIntBits(q.scale()) != Float.floatToIntBits(scope.scalarScale(node, node.input(1)))
                || q.zeroPoint() != scope.zeroPoint(node, node.input(2))) {
            throw refuse(node, "states another input scale or zero point than its input was quantized with");
        }
        OnnxProto.Tensor wt = scope.constant(node, node.input(3));
        ConstDq w = new ConstDq(wt.name(), wt.dims(), wt.dataType() == OnnxProto.UINT8 ? shift(OnnxTensors.ints(wt))
                : OnnxTensors.ints(wt), OnnxTensors.floats(scope.constant(node, node.input(4))),
                scope.zeroPoint(node, node.input(5), wt.dataType()), conv ? 0 : 1, wt.dataType());
        float yScale = scope.scalarScale(node, node.input(6));
        int yZp = scope.zeroPoint(node, node.input(7));
        Pending p = conv ? convOf(node, q, w) : denseOf(node, q, w, false);
        if (conv && !node.input(8).isEmpty()) {
            OnnxProto.Tensor b = scope.constant(node, node.input(8));
            if (b.dataType() != OnnxProto.INT32) throw refuse(node, "bias is not int32");
            p = p.withBias(checkedBias(node, OnnxTensors.ints(b), p.outputs()));
        }
        return scope.emit(p, yScale, yZp);
    }

    OnnxValue floatConv(OnnxProto.Node node) {
        Pending p = convOf(node, scope.dequantized(node), scope.weights(node, node.input(1)));
        return node.input(2).isEmpty() ? p : p.withBias(floatBias(node, p, node.input(2)));
    }

    /** MatMul (A · B, B = [K, N]) or Gemm (A · B or A · Bᵀ with transB, + C; alpha = beta = 1, no transA). */
    OnnxValue floatMatMul(OnnxProto.Node node) {
        boolean gemm = node.opType().equals("Gemm");
        boolean transposed = false;
        if (gemm) {
            if (floatAttr(node, "alpha", 1f) != 1f || floatAttr(node, "beta", 1f) != 1f || intAttr(node, "transA", 0) != 0) {
                throw refuse(node, "only alpha = 1, beta = 1 and transA = 0 are supported");
            }
            transposed = intAttr(node, "transB", 0) == 1;
        }
        Pending p = denseOf(node, scope.dequantized(node), scope.weights(node, node.input(1)), transposed);
        return gemm && !node.input(2).isEmpty() ? p.withBias(floatBias(node, p, node.input(2))) : p;
    }

    /**
     * Add of an int32 bias to a Conv/MatMul/Gemm that has none yet: through DequantizeLinear for the float forms, or
     * an int32 constant added to a MatMulInteger/ConvInteger's accumulators.
     */
    OnnxValue bias(OnnxProto.Node node) {
        boolean accFirst = scope.values.get(node.input(0)) instanceof IntAcc;
        if (accFirst || scope.values.get(node.input(1)) instanceof IntAcc) {
            Pending p = ((IntAcc) scope.values.get(node.input(accFirst ? 0 : 1))).p();
            OnnxProto.Tensor b = scope.constant(node, node.input(accFirst ? 1 : 0));
            if (p.bias() != null || b.dataType() != OnnxProto.INT32) {
                throw refuse(node, "only one int32 bias Add right after a MatMulInteger or ConvInteger is supported");
            }
            return new IntAcc(p.withBias(checkedBias(node, OnnxTensors.ints(b), p.outputs(), b.dims(),
                    p.window() == null ? 1 : 3)));
        }
        OnnxValue a = scope.value(node, 0);
        String biasName = node.input(1);
        if (!(a instanceof Pending)) {
            a = scope.value(node, 1);
            biasName = node.input(0);
        }
        if (!(a instanceof Pending p) || p.bias() != null || p.relu()) {
            throw refuse(node, "only the bias Add right after a Conv, MatMul or Gemm is supported");
        }
        return p.withBias(floatBias(node, p, biasName));
    }

    OnnxValue relu(OnnxProto.Node node) {
        if (!(scope.value(node, 0) instanceof Pending p) || p.relu()) {
            throw refuse(node, "only a Relu right after a Conv, MatMul, Gemm or its bias Add is supported");
        }
        return p.withRelu();
    }

    /**
     * MatMulInteger (A, B, a_zero_point, b_zero_point) or ConvInteger (x, w, x_zero_point, w_zero_point): the int32
     * product of the latest int8 tensor and constant int8/uint8 weights. The activation zero point must be stated and
     * equal the one the tensor was quantized with (the tensor's type is not tracked, and an absent one means 0 of it).
     */
    OnnxValue integerProduct(OnnxProto.Node node) {
        boolean conv = node.opType().equals("ConvInteger");
        if (!(scope.value(node, 0) instanceof Quant q)) throw refuse(node, "input is not an int8 tensor of the model");
        if (node.input(2).isEmpty()) {
            throw refuse(node, "state the activations' zero point (input 2) explicitly; it must be " + q.zeroPoint()
                    + " in int8 terms, the zero point the input was quantized with");
        }
        if (scope.zeroPoint(node, node.input(2)) != q.zeroPoint()) {
            throw refuse(node, "states another input zero point than its input was quantized with");
        }
        OnnxProto.Tensor wt = scope.constant(node, node.input(1));
        if (wt.dataType() != OnnxProto.INT8 && wt.dataType() != OnnxProto.UINT8) {
            throw refuse(node, "weights '" + wt.name() + "' are neither int8 nor uint8");
        }
        int[] wzp = node.input(3).isEmpty() ? new int[] {wt.dataType() == OnnxProto.UINT8 ? -128 : 0}
                : scope.zeroPoint(node, node.input(3), wt.dataType());
        float[] unit = new float[wzp.length];
        Arrays.fill(unit, 1f);
        int[] raw = OnnxTensors.ints(wt);
        ConstDq w = new ConstDq(wt.name(), wt.dims(), wt.dataType() == OnnxProto.UINT8 ? shift(raw) : raw, unit, wzp,
                conv ? 0 : 1, wt.dataType());
        Pending p = conv ? convOf(node, scope.checkLatest(node, q), w) : denseOf(node, scope.checkLatest(node, q), w, false);
        return new IntAcc(p.withProductScales(p.weightScales()));
    }

    /** Cast of an integer product to float, for the Mul by its scale. */
    OnnxValue cast(OnnxProto.Node node) {
        if (!(scope.values.get(node.input(0)) instanceof IntAcc acc) || intAttr(node, "to", 0) != OnnxProto.FLOAT) {
            throw refuse(node, "only a Cast to float of a MatMulInteger/ConvInteger result is supported");
        }
        return new CastAcc(acc.p());
    }

    /** Mul of a cast integer product by its constant float scale: one, or one per output channel. */
    OnnxValue productScale(OnnxProto.Node node) {
        boolean castFirst = scope.values.get(node.input(0)) instanceof CastAcc;
        if (!castFirst && !(scope.values.get(node.input(1)) instanceof CastAcc)) {
            throw refuse(node, "only a Mul of a cast MatMulInteger/ConvInteger result by its scale is supported");
        }
        Pending p = ((CastAcc) scope.values.get(node.input(castFirst ? 0 : 1))).p();
        String scale = node.input(castFirst ? 1 : 0);
        checkChannelShape(node, scope.constant(node, scale).dims(), p.outputs(), p.window() == null ? 1 : 3);
        return productScales(node, p, OnnxTensors.floats(scope.constant(node, scale)));
    }

    /** DequantizeLinear of an integer product: zero point 0, a scale per tensor or per output channel (axis 1). */
    OnnxValue rescale(OnnxProto.Node node, Pending p, String scale, String zeroPoint) {
        float[] scales = OnnxTensors.floats(scope.constant(node, scale));
        if (scales.length != 1 && intAttr(node, "axis", 1) != 1) {
            throw refuse(node, "per-channel scales of a product must be along axis 1, its output channels");
        }
        if (!zeroPoint.isEmpty()) {
            OnnxProto.Tensor z = scope.constant(node, zeroPoint);
            if (z.dataType() != OnnxProto.INT32 || Arrays.stream(OnnxTensors.ints(z)).anyMatch(v -> v != 0)) {
                throw refuse(node, "the zero point of an int32 product must be int32 0");
            }
        }
        return productScales(node, p, scales);
    }

    private Pending productScales(OnnxProto.Node node, Pending p, float[] scales) {
        if (scales.length != 1 && scales.length != p.outputs()) {
            throw refuse(node, "has " + scales.length + " scales for " + p.outputs() + " output channels");
        }
        float[] perChannel = new float[p.outputs()];
        for (int o = 0; o < perChannel.length; o++) {
            perChannel[o] = scales[scales.length == 1 ? 0 : o];
            if (!(perChannel[o] > 0) || Float.isInfinite(perChannel[o])) {
                throw refuse(node, "scale " + perChannel[o] + " is not positive");
            }
        }
        return p.withProductScales(perChannel);
    }

    private Pending convOf(OnnxProto.Node node, Quant in, ConstDq w) {
        if (w.dims().length != 4) throw refuse(node, "weights must be [OC, C, kh, kw]");
        if (intAttr(node, "group", 1) != 1) throw refuse(node, "only group = 1 is supported");
        noAutoPad(node);
        int outputs = OnnxScope.dim(node, w, 0);
        int kh = OnnxScope.dim(node, w, 2);
        int kw = OnnxScope.dim(node, w, 3);
        if (OnnxScope.dim(node, w, 1) != in.shape().channels()) {
            throw refuse(node, "weights take " + w.dims()[1] + " channels, input has " + in.shape().channels());
        }
        long[] kernel = intsAttr(node, "kernel_shape", new long[] {kh, kw});
        if (kernel.length != 2 || kernel[0] != kh || kernel[1] != kw) throw refuse(node, "kernel_shape disagrees with weights");
        Window window = window(node, kh, kw);
        PerChannel pc = perChannel(node, w, 0, outputs);
        int depth = w.values().length / outputs;
        byte[] weights = new byte[w.values().length];
        for (int i = 0; i < weights.length; i++) weights[i] = (byte) w.values()[i];
        return new Pending(node.describe(), in, in.scale(), window, outputs, depth, weights, pc.zeroPoints(), pc.scales(),
                null, false);
    }

    /** Weights [K, N] (or [N, K] when transposed) into N outputs × K, our layout. */
    private Pending denseOf(OnnxProto.Node node, Quant in, ConstDq w, boolean transposed) {
        if (w.dims().length != 2) throw refuse(node, "weights must be a matrix");
        int k = OnnxScope.dim(node, w, transposed ? 1 : 0);
        int n = OnnxScope.dim(node, w, transposed ? 0 : 1);
        if (!in.shape().isVector() || in.shape().channels() != k) {
            throw refuse(node, "input " + in.shape() + " is not a vector of " + k + " (Flatten it first)");
        }
        PerChannel pc = perChannel(node, w, transposed ? 0 : 1, n);
        byte[] weights = new byte[k * n];
        for (int o = 0; o < n; o++) {
            for (int t = 0; t < k; t++) weights[o * k + t] = (byte) w.values()[transposed ? o * k + t : t * n + o];
        }
        return new Pending(node.describe(), in, in.scale(), null, n, k, weights, pc.zeroPoints(), pc.scales(), null,
                false);
    }

    /** A float-form bias: DequantizeLinear of int32 values with zero point 0 and scale s_in·s_w[o]. */
    private int[] floatBias(OnnxProto.Node node, Pending p, String name) {
        if (!(scope.values.get(name) instanceof ConstDq b) || b.dataType() != OnnxProto.INT32) {
            throw refuse(node, "bias '" + name + "' is not an int32 constant through DequantizeLinear"
                    + " (a float bias would need rounding; quantize it to int32 with scale s_in·s_w)");
        }
        int[] bias = checkedBias(node, b.values(), p.outputs());
        PerChannel pc = perChannel(node, new ConstDq(b.name(), new long[] {bias.length}, bias, b.scales(),
                b.zeroPoints(), 0, b.dataType()), 0, p.outputs());
        for (int o = 0; o < p.outputs(); o++) {
            if (pc.zeroPoints()[o] != 0) throw refuse(node, "bias zero point is not 0");
            double expected = (double) p.inScale() * (double) p.weightScales()[o];
            if (Math.abs(pc.scales()[o] - expected) > BIAS_SCALE_TOLERANCE * expected) {
                throw refuse(node, "bias scale " + pc.scales()[o] + " of channel " + o + " is not s_in·s_w = " + expected);
            }
        }
        return bias;
    }

    private static int[] checkedBias(OnnxProto.Node node, int[] bias, int outputs) {
        if (bias.length != outputs) throw refuse(node, "bias has " + bias.length + " values for " + outputs + " outputs");
        return bias;
    }

    /** A bias added to a product's accumulators must broadcast along the channels: one value per output. */
    private static int[] checkedBias(OnnxProto.Node node, int[] bias, int outputs, long[] dims, int trailing) {
        checkChannelShape(node, dims, outputs, trailing);
        return checkedBias(node, bias, outputs);
    }

    private record PerChannel(float[] scales, int[] zeroPoints) {}

    /** Scales and zero points of w per output channel: one for all, or one per channel along channelAxis. */
    private static PerChannel perChannel(OnnxProto.Node node, ConstDq w, int channelAxis, int channels) {
        float[] scales = new float[channels];
        int[] zps = new int[channels];
        int n = w.scales().length;
        if (w.zeroPoints().length != n) {
            throw refuse(node, "weight '" + w.name() + "' has " + n + " scales but " + w.zeroPoints().length
                    + " zero points");
        }
        if (n != 1 && (n != channels || w.axis() != channelAxis)) {
            throw refuse(node, "weight '" + w.name() + "' has " + n + " scales along axis " + w.axis()
                    + "; expected 1, or " + channels + " along axis " + channelAxis);
        }
        for (int o = 0; o < channels; o++) {
            scales[o] = w.scales()[n == 1 ? 0 : o];
            zps[o] = w.zeroPoints()[n == 1 ? 0 : o];
            if (!(scales[o] > 0) || Float.isInfinite(scales[o])) throw refuse(node, "scale " + scales[o] + " is not positive");
        }
        return new PerChannel(scales, zps);
    }
}
