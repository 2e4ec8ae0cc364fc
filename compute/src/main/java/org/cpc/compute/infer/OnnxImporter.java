package org.cpc.compute.infer;

import static org.cpc.compute.infer.OnnxNodes.checkChannelShape;
import static org.cpc.compute.infer.OnnxNodes.floatAttr;
import static org.cpc.compute.infer.OnnxNodes.intAttr;
import static org.cpc.compute.infer.OnnxNodes.intsAttr;
import static org.cpc.compute.infer.OnnxNodes.isDefaultDomain;
import static org.cpc.compute.infer.OnnxNodes.noAutoPad;
import static org.cpc.compute.infer.OnnxNodes.refuse;
import static org.cpc.compute.infer.OnnxNodes.shift;
import static org.cpc.compute.infer.OnnxNodes.side;
import static org.cpc.compute.infer.OnnxNodes.window;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a quantized ONNX model onto the integer op set ({@link Op}). Both forms standard tools export are read:
 * QOperator ({@code QLinearConv}, {@code QLinearMatMul}, {@code MaxPool} on int8 tensors) and QDQ
 * ({@code DequantizeLinear} → {@code Conv}/{@code MatMul}/{@code Gemm} [→ {@code Add} int32 bias] [→ {@code Relu}]
 * → {@code QuantizeLinear}), the integer ops ({@code MatMulInteger}/{@code ConvInteger} [→ int32 bias {@code Add}]
 * → {@code DequantizeLinear} or {@code Cast} + {@code Mul} by the product scale [→ {@code Relu}] →
 * {@code QuantizeLinear}), plus {@code Flatten}/{@code Reshape} to a vector and {@code Constant}.
 *
 * <p>The nodes are walked in file order (ONNX requires topological order) with a symbolic value per tensor name:
 * an int8 tensor of the chain ({@link Quant}), its float view ({@link Dequant}), a dequantized constant
 * ({@link ConstDq}), or the float result of a Conv/MatMul/Gemm still waiting for its {@code QuantizeLinear}
 * ({@link Pending}). A {@code QuantizeLinear} of a pending product is where a layer is made and its float scales
 * become an integer multiplier and shift ({@link Requant}). uint8 tensors become int8 by subtracting 128 from values
 * and zero points alike, which leaves every (value − zero point) unchanged.
 *
 * <p>Anything else is refused naming the op and the node: other ops, other domains, branching graphs (each op must
 * consume the latest int8 tensor), float arithmetic between layers, requantization outside a layer.
 */
public final class OnnxImporter {
    /** The ONNX op types this importer knows (in the default domain). */
    public static final Set<String> SUPPORTED = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "Conv", "MatMul", "Gemm", "Add", "Relu", "MaxPool", "Flatten", "Reshape", "Constant",
            "MatMulInteger", "ConvInteger", "Cast", "Mul");
    /** Relative difference allowed between a bias's scale and s_in·s_w (the bias integers are used unchanged). */
    static final double BIAS_SCALE_TOLERANCE = 0x1p-20;

    private final OnnxProto.Graph graph;
    private final Map<String, OnnxProto.Tensor> constants;
    private final Map<String, Value> values = new HashMap<>();
    private final List<Op> ops = new ArrayList<>();
    private Quant input;

    private sealed interface Value permits FloatInput, Quant, Dequant, ConstDq, Pending, IntAcc, CastAcc {}

    /** The graph's float input, before its QuantizeLinear. */
    private record FloatInput(Shape shape) implements Value {}

    /** An int8 tensor of the chain: the model input (producer 0) or the output of op producer − 1. */
    private record Quant(Shape shape, float scale, int zeroPoint, int producer) implements Value {}

    /** The float view DequantizeLinear gives of a Quant (same scale and zero point). */
    private record Dequant(Quant q) implements Value {}

    /** DequantizeLinear of a constant: int values (uint8 shifted to int8), scales and zero points along {@code axis}. */
    private record ConstDq(String name, long[] dims, int[] values, float[] scales, int[] zeroPoints, int axis,
                           int dataType) implements Value {}

    /**
     * Conv, MatMul or Gemm on a Dequant, waiting for bias, ReLU and its QuantizeLinear; window null for Dense. The
     * product's scale per output channel is inScale·weightScales[o]: inScale is the input's scale for the float forms
     * and 1 for the integer ones, whose weightScales are the product scales the graph states.
     */
    private record Pending(String node, Quant in, float inScale, Window window, int outputs, int depth, byte[] weights,
                           int[] weightZeroPoints, float[] weightScales, int[] bias, boolean relu) implements Value {
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
    private record IntAcc(Pending p) implements Value {}

    /** An IntAcc through Cast to float, waiting for the Mul by its product scale. */
    private record CastAcc(Pending p) implements Value {}

    private OnnxImporter(OnnxProto.Graph graph) {
        this.graph = graph;
        this.constants = new HashMap<>(graph.initializers());
    }

    /** Reads and imports a file, refusing one over {@code limits.modelBytes()} before reading it. */
    public static IntModel read(Path file, ModelLimits limits) throws IOException {
        long size = Files.size(file);
        if (size > limits.modelBytes()) {
            throw new OnnxException(file + " is " + size + " bytes, more than the model limit " + limits.modelBytes());
        }
        return fromBytes(Files.readAllBytes(file), limits);
    }

    public static IntModel fromBytes(byte[] bytes, ModelLimits limits) {
        if (bytes.length > limits.modelBytes()) {
            throw new OnnxException("the model is " + bytes.length + " bytes, more than the limit " + limits.modelBytes());
        }
        OnnxProto.Model model = OnnxProto.parseModel(bytes);
        IntModel m = new OnnxImporter(model.graph()).run();
        m.checkLimits(limits);
        return m;
    }

    /** ONNX op type → how many nodes use it, in first-seen order, and the nodes outside {@link #SUPPORTED}. */
    public record OpCensus(Map<String, Integer> counts, List<String> unsupported) {}

    /** Which ops a model file uses, without importing it (a malformed file still throws). */
    public static OpCensus census(byte[] bytes) {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        List<String> unsupported = new ArrayList<>();
        for (OnnxProto.Node n : OnnxProto.parseModel(bytes).graph().nodes()) {
            counts.merge(n.opType(), 1, Integer::sum);
            if (!isDefaultDomain(n) || !SUPPORTED.contains(n.opType())) unsupported.add(n.describe());
        }
        return new OpCensus(counts, unsupported);
    }

    private IntModel run() {
        values.put(graphInput().name(), new FloatInput(inputShape(graphInput())));
        for (OnnxProto.Node node : graph.nodes()) {
            if (!isDefaultDomain(node) || !SUPPORTED.contains(node.opType())) {
                throw new OnnxException("unsupported op " + (isDefaultDomain(node) ? "" : node.domain() + ".")
                        + node.describe() + ": the ONNX ops read are " + String.join(", ", new java.util.TreeSet<>(SUPPORTED)));
            }
            if (node.outputs().isEmpty()) throw refuse(node, "has no output");
            Value out = switch (node.opType()) {
                case "Constant" -> {
                    OnnxProto.Attribute a = node.attributes().get("value");
                    if (a == null || a.t() == null) throw refuse(node, "only a tensor 'value' Constant is supported");
                    constants.put(node.outputs().getFirst(), a.t());
                    yield null;
                }
                case "QuantizeLinear" -> quantize(node);
                case "DequantizeLinear" -> dequantize(node);
                case "QLinearConv" -> qlinear(node, true);
                case "QLinearMatMul" -> qlinear(node, false);
                case "Conv" -> floatConv(node);
                case "MatMul", "Gemm" -> floatMatMul(node);
                case "MatMulInteger", "ConvInteger" -> integerProduct(node);
                case "Cast" -> cast(node);
                case "Mul" -> productScale(node);
                case "Add" -> bias(node);
                case "Relu" -> relu(node);
                case "MaxPool" -> maxPool(node);
                default -> flatten(node); // Flatten, Reshape
            };
            if (node.outputs().size() > 1) throw refuse(node, "has " + node.outputs().size() + " outputs, expected 1");
            if (out != null) values.put(node.outputs().getFirst(), out);
        }
        if (graph.outputs().size() != 1) {
            throw new OnnxException("the graph has " + graph.outputs().size() + " outputs; an integer model has one");
        }
        String name = graph.outputs().getFirst().name();
        Quant last = switch (values.get(name)) {
            case Quant q -> q;
            case Dequant d -> d.q();
            case null, default -> throw new OnnxException("graph output '" + name + "' is not an int8 tensor of the model"
                    + " (it must come out of a QuantizeLinear or a quantized op, optionally dequantized)");
        };
        if (input == null) throw new OnnxException("the graph input is never quantized (no QuantizeLinear of it)");
        if (last.producer() != ops.size() || ops.isEmpty()) {
            throw new OnnxException("graph output '" + name + "' is not the result of the last layer");
        }
        return new IntModel(input.shape(), input.scale(), input.zeroPoint(), ops, last.scale(), last.zeroPoint());
    }

    // ---- graph input ----

    private OnnxProto.ValueInfo graphInput() {
        List<OnnxProto.ValueInfo> real = graph.inputs().stream().filter(v -> !constants.containsKey(v.name())).toList();
        if (real.size() != 1) throw new OnnxException("the graph has " + real.size() + " inputs; an integer model has one");
        OnnxProto.ValueInfo in = real.getFirst();
        if (in.elemType() != OnnxProto.FLOAT) {
            throw new OnnxException("graph input '" + in.name() + "' has element type " + in.elemType()
                    + "; expected float, quantized by a QuantizeLinear");
        }
        return in;
    }

    /** [N, C, H, W] or [N, K]; the batch dim N may be anything. */
    private static Shape inputShape(OnnxProto.ValueInfo in) {
        long[] d = in.dims();
        for (int i = 1; i < d.length; i++) {
            if (d[i] < 1 || d[i] > Integer.MAX_VALUE) {
                throw new OnnxException("graph input '" + in.name() + "' dim " + i + " is " + (d[i] < 0 ? "not fixed" : d[i]));
            }
        }
        return switch (d.length) {
            case 2 -> Shape.vector((int) d[1]);
            case 4 -> new Shape((int) d[1], (int) d[2], (int) d[3]);
            default -> throw new OnnxException("graph input '" + in.name() + "' has rank " + d.length
                    + "; expected [N, K] or [N, C, H, W]");
        };
    }

    // ---- quantize and dequantize ----

    private Value quantize(OnnxProto.Node node) {
        float scale = scalarScale(node, node.input(1));
        int zp = zeroPoint(node, node.input(2));
        return switch (value(node, 0)) {
            case FloatInput f -> {
                if (input != null) throw refuse(node, "quantizes the graph input a second time");
                input = new Quant(f.shape(), scale, zp, 0);
                yield input;
            }
            case Pending p -> emit(p, scale, zp);
            case Dequant d -> {
                if (Float.floatToIntBits(d.q().scale()) != Float.floatToIntBits(scale) || d.q().zeroPoint() != zp) {
                    throw refuse(node, "requantizes a tensor to another scale or zero point outside a layer");
                }
                yield d.q();
            }
            default -> throw refuse(node, "quantizes something other than the graph input or a layer's result");
        };
    }

    private Value dequantize(OnnxProto.Node node) {
        String x = node.input(0);
        OnnxProto.Tensor t = constants.get(x);
        if (t != null) return constDq(node, t);
        if (values.get(x) instanceof IntAcc acc) return rescale(node, acc.p(), node.input(1), node.input(2));
        if (!(value(node, 0) instanceof Quant q)) throw refuse(node, "dequantizes something that is not an int8 tensor");
        float scale = scalarScale(node, node.input(1));
        int zp = zeroPoint(node, node.input(2));
        if (Float.floatToIntBits(q.scale()) != Float.floatToIntBits(scale) || q.zeroPoint() != zp) {
            throw refuse(node, "dequantizes '" + x + "' with another scale or zero point than it was quantized with");
        }
        return new Dequant(q);
    }

    private ConstDq constDq(OnnxProto.Node node, OnnxProto.Tensor t) {
        float[] scales = OnnxTensors.floats(constant(node, node.input(1)));
        int[] raw = OnnxTensors.ints(t);
        boolean unsigned = t.dataType() == OnnxProto.UINT8;
        int[] values = unsigned ? shift(raw) : raw;
        int[] zps;
        if (node.input(2).isEmpty()) {
            zps = new int[scales.length];
        } else {
            OnnxProto.Tensor zt = constant(node, node.input(2));
            if (zt.dataType() != t.dataType()) throw refuse(node, "zero point type differs from the data's");
            zps = unsigned ? shift(OnnxTensors.ints(zt)) : OnnxTensors.ints(zt);
        }
        int rank = t.dims().length;
        int axis = (int) intAttr(node, "axis", 1);
        if (axis < 0) axis += rank;
        return new ConstDq(t.name(), t.dims(), values, scales, zps, axis, t.dataType());
    }

    // ---- layers ----

    /** QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) or QLinearMatMul (a, …, y_zp). */
    private Value qlinear(OnnxProto.Node node, boolean conv) {
        if (!(value(node, 0) instanceof Quant q)) throw refuse(node, "input is not an int8 tensor of the model");
        if (Float.floatToIntBits(q.scale()) != Float.floatToIntBits(scalarScale(node, node.input(1)))
                || q.zeroPoint() != zeroPoint(node, node.input(2))) {
            throw refuse(node, "states another input scale or zero point than its input was quantized with");
        }
        OnnxProto.Tensor wt = constant(node, node.input(3));
        ConstDq w = new ConstDq(wt.name(), wt.dims(), wt.dataType() == OnnxProto.UINT8 ? shift(OnnxTensors.ints(wt))
                : OnnxTensors.ints(wt), OnnxTensors.floats(constant(node, node.input(4))),
                zeroPoint(node, node.input(5), wt.dataType()), conv ? 0 : 1, wt.dataType());
        float yScale = scalarScale(node, node.input(6));
        int yZp = zeroPoint(node, node.input(7));
        Pending p = conv ? convOf(node, q, w) : denseOf(node, q, w, false);
        if (conv && !node.input(8).isEmpty()) {
            OnnxProto.Tensor b = constant(node, node.input(8));
            if (b.dataType() != OnnxProto.INT32) throw refuse(node, "bias is not int32");
            p = p.withBias(checkedBias(node, OnnxTensors.ints(b), p.outputs()));
        }
        return emit(p, yScale, yZp);
    }

    private Value floatConv(OnnxProto.Node node) {
        Pending p = convOf(node, dequantized(node), weights(node, node.input(1)));
        return node.input(2).isEmpty() ? p : p.withBias(floatBias(node, p, node.input(2)));
    }

    /** MatMul (A · B, B = [K, N]) or Gemm (A · B or A · Bᵀ with transB, + C; alpha = beta = 1, no transA). */
    private Value floatMatMul(OnnxProto.Node node) {
        boolean gemm = node.opType().equals("Gemm");
        boolean transposed = false;
        if (gemm) {
            if (floatAttr(node, "alpha", 1f) != 1f || floatAttr(node, "beta", 1f) != 1f || intAttr(node, "transA", 0) != 0) {
                throw refuse(node, "only alpha = 1, beta = 1 and transA = 0 are supported");
            }
            transposed = intAttr(node, "transB", 0) == 1;
        }
        Pending p = denseOf(node, dequantized(node), weights(node, node.input(1)), transposed);
        return gemm && !node.input(2).isEmpty() ? p.withBias(floatBias(node, p, node.input(2))) : p;
    }

    /**
     * Add of an int32 bias to a Conv/MatMul/Gemm that has none yet: through DequantizeLinear for the float forms, or
     * an int32 constant added to a MatMulInteger/ConvInteger's accumulators.
     */
    private Value bias(OnnxProto.Node node) {
        boolean accFirst = values.get(node.input(0)) instanceof IntAcc;
        if (accFirst || values.get(node.input(1)) instanceof IntAcc) {
            Pending p = ((IntAcc) values.get(node.input(accFirst ? 0 : 1))).p();
            OnnxProto.Tensor b = constant(node, node.input(accFirst ? 1 : 0));
            if (p.bias() != null || b.dataType() != OnnxProto.INT32) {
                throw refuse(node, "only one int32 bias Add right after a MatMulInteger or ConvInteger is supported");
            }
            return new IntAcc(p.withBias(checkedBias(node, OnnxTensors.ints(b), p.outputs(), b.dims(),
                    p.window() == null ? 1 : 3)));
        }
        Value a = value(node, 0);
        String biasName = node.input(1);
        if (!(a instanceof Pending)) {
            a = value(node, 1);
            biasName = node.input(0);
        }
        if (!(a instanceof Pending p) || p.bias() != null || p.relu()) {
            throw refuse(node, "only the bias Add right after a Conv, MatMul or Gemm is supported");
        }
        return p.withBias(floatBias(node, p, biasName));
    }

    private Value relu(OnnxProto.Node node) {
        if (!(value(node, 0) instanceof Pending p) || p.relu()) {
            throw refuse(node, "only a Relu right after a Conv, MatMul, Gemm or its bias Add is supported");
        }
        return p.withRelu();
    }

    /**
     * MatMulInteger (A, B, a_zero_point, b_zero_point) or ConvInteger (x, w, x_zero_point, w_zero_point): the int32
     * product of the latest int8 tensor and constant int8/uint8 weights. The activation zero point must be stated and
     * equal the one the tensor was quantized with (the tensor's type is not tracked, and an absent one means 0 of it).
     */
    private Value integerProduct(OnnxProto.Node node) {
        boolean conv = node.opType().equals("ConvInteger");
        if (!(value(node, 0) instanceof Quant q)) throw refuse(node, "input is not an int8 tensor of the model");
        if (node.input(2).isEmpty()) {
            throw refuse(node, "state the activations' zero point (input 2) explicitly; it must be " + q.zeroPoint()
                    + " in int8 terms, the zero point the input was quantized with");
        }
        if (zeroPoint(node, node.input(2)) != q.zeroPoint()) {
            throw refuse(node, "states another input zero point than its input was quantized with");
        }
        OnnxProto.Tensor wt = constant(node, node.input(1));
        if (wt.dataType() != OnnxProto.INT8 && wt.dataType() != OnnxProto.UINT8) {
            throw refuse(node, "weights '" + wt.name() + "' are neither int8 nor uint8");
        }
        int[] wzp = node.input(3).isEmpty() ? new int[] {wt.dataType() == OnnxProto.UINT8 ? -128 : 0}
                : zeroPoint(node, node.input(3), wt.dataType());
        float[] unit = new float[wzp.length];
        java.util.Arrays.fill(unit, 1f);
        int[] raw = OnnxTensors.ints(wt);
        ConstDq w = new ConstDq(wt.name(), wt.dims(), wt.dataType() == OnnxProto.UINT8 ? shift(raw) : raw, unit, wzp,
                conv ? 0 : 1, wt.dataType());
        Pending p = conv ? convOf(node, checkLatest(node, q), w) : denseOf(node, checkLatest(node, q), w, false);
        return new IntAcc(p.withProductScales(p.weightScales()));
    }

    /** Cast of an integer product to float, for the Mul by its scale. */
    private Value cast(OnnxProto.Node node) {
        if (!(values.get(node.input(0)) instanceof IntAcc acc) || intAttr(node, "to", 0) != OnnxProto.FLOAT) {
            throw refuse(node, "only a Cast to float of a MatMulInteger/ConvInteger result is supported");
        }
        return new CastAcc(acc.p());
    }

    /** Mul of a cast integer product by its constant float scale: one, or one per output channel. */
    private Value productScale(OnnxProto.Node node) {
        boolean castFirst = values.get(node.input(0)) instanceof CastAcc;
        if (!castFirst && !(values.get(node.input(1)) instanceof CastAcc)) {
            throw refuse(node, "only a Mul of a cast MatMulInteger/ConvInteger result by its scale is supported");
        }
        Pending p = ((CastAcc) values.get(node.input(castFirst ? 0 : 1))).p();
        String scale = node.input(castFirst ? 1 : 0);
        checkChannelShape(node, constant(node, scale).dims(), p.outputs(), p.window() == null ? 1 : 3);
        return productScales(node, p, OnnxTensors.floats(constant(node, scale)));
    }

    /** DequantizeLinear of an integer product: zero point 0, a scale per tensor or per output channel (axis 1). */
    private Value rescale(OnnxProto.Node node, Pending p, String scale, String zeroPoint) {
        float[] scales = OnnxTensors.floats(constant(node, scale));
        if (scales.length != 1 && intAttr(node, "axis", 1) != 1) {
            throw refuse(node, "per-channel scales of a product must be along axis 1, its output channels");
        }
        if (!zeroPoint.isEmpty()) {
            OnnxProto.Tensor z = constant(node, zeroPoint);
            if (z.dataType() != OnnxProto.INT32 || java.util.Arrays.stream(OnnxTensors.ints(z)).anyMatch(v -> v != 0)) {
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
        int outputs = dim(node, w, 0);
        int kh = dim(node, w, 2);
        int kw = dim(node, w, 3);
        if (dim(node, w, 1) != in.shape().channels()) {
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
        int k = dim(node, w, transposed ? 1 : 0);
        int n = dim(node, w, transposed ? 0 : 1);
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

    /** The layer: its real multipliers s_in·s_w[o]/s_out become integer ones. */
    private Quant emit(Pending p, float outScale, int outZeroPoint) {
        if (p.in().producer() != ops.size()) {
            throw new OnnxException(p.node() + " does not take the latest layer's output: branching graphs are not"
                    + " supported");
        }
        Requant[] requant = new Requant[p.outputs()];
        for (int o = 0; o < p.outputs(); o++) {
            try {
                requant[o] = Requant.of(Requant.realMultiplier(p.inScale(), p.weightScales()[o], outScale));
            } catch (OnnxException e) {
                throw new OnnxException(p.node() + ", output channel " + o + ": " + e.getMessage());
            }
        }
        int[] bias = p.bias() == null ? new int[p.outputs()] : p.bias();
        IntLinear l;
        try {
            l = new IntLinear(p.outputs(), p.depth(), p.weights(), p.weightZeroPoints(), bias, requant,
                    p.in().zeroPoint(), outZeroPoint, p.relu());
        } catch (OnnxException e) {
            throw new OnnxException(p.node() + ": " + e.getMessage());
        }
        String name = p.node();
        Op op = p.window() == null ? new Op.Dense(name, l) : new Op.Conv(name, l, p.window());
        return add(op, p.in().shape(), outScale, outZeroPoint);
    }

    private Value maxPool(OnnxProto.Node node) {
        Value v = value(node, 0);
        Quant q = v instanceof Dequant d ? d.q() : v instanceof Quant direct ? direct : null;
        if (q == null) throw refuse(node, "input is not an int8 tensor of the model");
        if (intAttr(node, "ceil_mode", 0) != 0 || intAttr(node, "storage_order", 0) != 0) {
            throw refuse(node, "only ceil_mode = 0 and storage_order = 0 are supported");
        }
        noAutoPad(node);
        long[] kernel = intsAttr(node, "kernel_shape", null);
        if (kernel == null || kernel.length != 2) throw refuse(node, "needs a 2-D kernel_shape");
        Op.MaxPool op;
        try {
            op = new Op.MaxPool(node.describe(), window(node, side(node, kernel[0]), side(node, kernel[1])));
        } catch (OnnxException e) {
            throw refuse(node, e.getMessage());
        }
        Quant out = add(op, checkLatest(node, q).shape(), q.scale(), q.zeroPoint());
        return v instanceof Dequant ? new Dequant(out) : out;
    }

    /** Flatten (axis 1) or Reshape to [N, C·H·W]: a vector in the same order. A vector stays as it is. */
    private Value flatten(OnnxProto.Node node) {
        Value v = value(node, 0);
        Quant q = v instanceof Dequant d ? d.q() : v instanceof Quant direct ? direct : null;
        if (q == null) throw refuse(node, "input is not an int8 tensor of the model");
        if (node.opType().equals("Flatten")) {
            if (intAttr(node, "axis", 1) != 1) throw refuse(node, "only axis = 1 is supported");
        } else {
            int[] target = OnnxTensors.ints(constant(node, node.input(1)));
            boolean toVector = target.length == 2 && (target[0] == -1 || target[0] == 0 || target[0] == 1)
                    && (target[1] == -1 || target[1] == q.shape().size()) && !(target[0] == -1 && target[1] == -1);
            if (!toVector) throw refuse(node, "only a Reshape to [N, C·H·W] is supported");
        }
        checkLatest(node, q);
        if (q.shape().isVector()) return v;
        Quant out = add(new Op.Flatten(node.describe()), q.shape(), q.scale(), q.zeroPoint());
        return v instanceof Dequant ? new Dequant(out) : out;
    }

    private Quant add(Op op, Shape in, float scale, int zeroPoint) {
        Shape out = op.output(in);
        ops.add(op);
        return new Quant(out, scale, zeroPoint, ops.size());
    }

    // ---- bias ----

    /** A float-form bias: DequantizeLinear of int32 values with zero point 0 and scale s_in·s_w[o]. */
    private int[] floatBias(OnnxProto.Node node, Pending p, String name) {
        if (!(values.get(name) instanceof ConstDq b) || b.dataType() != OnnxProto.INT32) {
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

    // ---- quantization parameters ----

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

    private float scalarScale(OnnxProto.Node node, String name) {
        float[] s = OnnxTensors.floats(constant(node, name));
        if (s.length != 1 || !(s[0] > 0) || Float.isInfinite(s[0])) {
            throw refuse(node, "scale '" + name + "' must be one positive float (activations are quantized per tensor)");
        }
        return s[0];
    }

    /** One int8 or uint8 zero point, shifted to int8; absent means uint8 0 (ONNX's default). */
    private int zeroPoint(OnnxProto.Node node, String name) {
        if (name.isEmpty()) return -128;
        OnnxProto.Tensor t = constant(node, name);
        int[] z = OnnxTensors.ints(t);
        if (z.length != 1) throw refuse(node, "zero point '" + name + "' must be one value (activations are per tensor)");
        return switch (t.dataType()) {
            case OnnxProto.INT8 -> z[0];
            case OnnxProto.UINT8 -> z[0] - 128;
            default -> throw refuse(node, "zero point '" + name + "' is neither int8 nor uint8");
        };
    }

    /** Weight zero points (scalar or per channel) of the weights' type, shifted with them. */
    private int[] zeroPoint(OnnxProto.Node node, String name, int weightType) {
        OnnxProto.Tensor t = constant(node, name);
        if (t.dataType() != weightType) throw refuse(node, "weight zero point type differs from the weights'");
        int[] z = OnnxTensors.ints(t);
        return weightType == OnnxProto.UINT8 ? shift(z) : z;
    }

    // ---- lookups ----

    private Value value(OnnxProto.Node node, int i) {
        Value v = values.get(node.input(i));
        if (v == null) throw refuse(node, "input '" + node.input(i) + "' is not produced by a supported node before it");
        return v;
    }

    private Quant dequantized(OnnxProto.Node node) {
        if (!(value(node, 0) instanceof Dequant d)) {
            throw refuse(node, "input is not a DequantizeLinear of an int8 tensor (float ops are not supported)");
        }
        return checkLatest(node, d.q());
    }

    private Quant checkLatest(OnnxProto.Node node, Quant q) {
        if (q.producer() != ops.size()) throw refuse(node, "does not take the latest layer's output: branching graphs"
                + " are not supported");
        return q;
    }

    private ConstDq weights(OnnxProto.Node node, String name) {
        if (!(values.get(name) instanceof ConstDq w) || w.dataType() == OnnxProto.INT32) {
            throw refuse(node, "weights '" + name + "' are not an int8/uint8 constant through DequantizeLinear");
        }
        return w;
    }

    private OnnxProto.Tensor constant(OnnxProto.Node node, String name) {
        OnnxProto.Tensor t = constants.get(name);
        if (t == null) throw refuse(node, "'" + name + "' must be a constant (an initializer or Constant)");
        return t;
    }

    private static int dim(OnnxProto.Node node, ConstDq w, int i) {
        long d = w.dims()[i];
        if (d < 1 || d > Integer.MAX_VALUE) throw refuse(node, "weight dim " + d);
        return (int) d;
    }


}
