package org.cpc.compute.infer;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cpc.compute.infer.OnnxValue.ConstDq;
import org.cpc.compute.infer.OnnxValue.Dequant;
import org.cpc.compute.infer.OnnxValue.FloatInput;
import org.cpc.compute.infer.OnnxValue.IntAcc;
import org.cpc.compute.infer.OnnxValue.Pending;
import org.cpc.compute.infer.OnnxValue.Quant;

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
 * <p>This class walks the graph (its input, the quantize and dequantize steps, MaxPool and Flatten); the nodes that
 * make a layer are {@link OnnxLayers}', and the walk's state with the lookups and checks they share is
 * {@link OnnxScope}.
 *
 * <p>Anything else is refused naming the op and the node: other ops, other domains, branching graphs (each op must
 * consume the latest int8 tensor), float arithmetic between layers, requantization outside a layer.
 */
public final class OnnxImporter {
    /** The ONNX op types this importer knows (in the default domain). */
    public static final Set<String> SUPPORTED = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv",
            "QLinearMatMul", "Conv", "MatMul", "Gemm", "Add", "Relu", "MaxPool", "Flatten", "Reshape", "Constant",
            "MatMulInteger", "ConvInteger", "Cast", "Mul");

    private final OnnxProto.Graph graph;
    private final OnnxScope scope;
    private final OnnxLayers layers;

    private OnnxImporter(OnnxProto.Graph graph) {
        this.graph = graph;
        this.scope = new OnnxScope(graph.initializers());
        this.layers = new OnnxLayers(scope);
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
        scope.values.put(graphInput().name(), new FloatInput(inputShape(graphInput())));
        for (OnnxProto.Node node : graph.nodes()) {
            if (!isDefaultDomain(node) || !SUPPORTED.contains(node.opType())) {
                throw new OnnxException("unsupported op " + (isDefaultDomain(node) ? "" : node.domain() + ".")
                        + node.describe() + ": the ONNX ops read are " + String.join(", ", new java.util.TreeSet<>(SUPPORTED)));
            }
            if (node.outputs().isEmpty()) throw refuse(node, "has no output");
            OnnxValue out = switch (node.opType()) {
                case "Constant" -> {
                    OnnxProto.Attribute a = node.attributes().get("value");
                    if (a == null || a.t() == null) throw refuse(node, "only a tensor 'value' Constant is supported");
                    scope.constants.put(node.outputs().getFirst(), a.t());
                    yield null;
                }
                case "QuantizeLinear" -> quantize(node);
                case "DequantizeLinear" -> dequantize(node);
                case "QLinearConv" -> layers.qlinear(node, true);
                case "QLinearMatMul" -> layers.qlinear(node, false);
                case "Conv" -> layers.floatConv(node);
                case "MatMul", "Gemm" -> layers.floatMatMul(node);
                case "MatMulInteger", "ConvInteger" -> layers.integerProduct(node);
                case "Cast" -> layers.cast(node);
                case "Mul" -> layers.productScale(node);
                case "Add" -> layers.bias(node);
                case "Relu" -> layers.relu(node);
                case "MaxPool" -> maxPool(node);
                default -> flatten(node); // Flatten, Reshape
            };
            if (node.outputs().size() > 1) throw refuse(node, "has " + node.outputs().size() + " outputs, expected 1");
            if (out != null) scope.values.put(node.outputs().getFirst(), out);
        }
        if (graph.outputs().size() != 1) {
            throw new OnnxException("the graph has " + graph.outputs().size() + " outputs; an integer model has one");
        }
        String name = graph.outputs().getFirst().name();
        Quant last = switch (scope.values.get(name)) {
            case Quant q -> q;
            case Dequant d -> d.q();
            case null, default -> throw new OnnxException("graph output '" + name + "' is not an int8 tensor of the model"
                    + " (it must come out of a QuantizeLinear or a quantized op, optionally dequantized)");
        };
        if (scope.input == null) throw new OnnxException("the graph input is never quantized (no QuantizeLinear of it)");
        if (last.producer() != scope.ops.size() || scope.ops.isEmpty()) {
            throw new OnnxException("graph output '" + name + "' is not the result of the last layer");
        }
        return new IntModel(scope.input.shape(), scope.input.scale(), scope.input.zeroPoint(), scope.ops, last.scale(), last.zeroPoint());
    }

    // ---- graph input ----

    private OnnxProto.ValueInfo graphInput() {
        List<OnnxProto.ValueInfo> real = graph.inputs().stream().filter(v -> !scope.constants.containsKey(v.name())).toList();
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

    private OnnxValue quantize(OnnxProto.Node node) {
        float scale = scope.scalarScale(node, node.input(1));
        int zp = scope.zeroPoint(node, node.input(2));
        return switch (scope.value(node, 0)) {
            case FloatInput f -> {
                if (scope.input != null) throw refuse(node, "quantizes the graph input a second time");
                scope.input = new Quant(f.shape(), scale, zp, 0);
                yield scope.input;
            }
            case Pending p -> scope.emit(p, scale, zp);
            case Dequant d -> {
                if (Float.floatToIntBits(d.q().scale()) != Float.floatToIntBits(scale) || d.q().zeroPoint() != zp) {
                    throw refuse(node, "requantizes a tensor to another scale or zero point outside a layer");
                }
                yield d.q();
            }
            default -> throw refuse(node, "quantizes something other than the graph input or a layer's result");
        };
    }

    private OnnxValue dequantize(OnnxProto.Node node) {
        String x = node.input(0);
        OnnxProto.Tensor t = scope.constants.get(x);
        if (t != null) return constDq(node, t);
        if (scope.values.get(x) instanceof IntAcc acc) return layers.rescale(node, acc.p(), node.input(1), node.input(2));
        if (!(scope.value(node, 0) instanceof Quant q)) throw refuse(node, "dequantizes something that is not an int8 tensor");
        float scale = scope.scalarScale(node, node.input(1));
        int zp = scope.zeroPoint(node, node.input(2));
        if (Float.floatToIntBits(q.scale()) != Float.floatToIntBits(scale) || q.zeroPoint() != zp) {
            throw refuse(node, "dequantizes '" + x + "' with another scale or zero point than it was quantized with");
        }
        return new Dequant(q);
    }

    private ConstDq constDq(OnnxProto.Node node, OnnxProto.Tensor t) {
        float[] scales = OnnxTensors.floats(scope.constant(node, node.input(1)));
        int[] raw = OnnxTensors.ints(t);
        boolean unsigned = t.dataType() == OnnxProto.UINT8;
        int[] values = unsigned ? shift(raw) : raw;
        int[] zps;
        if (node.input(2).isEmpty()) {
            zps = new int[scales.length];
        } else {
            OnnxProto.Tensor zt = scope.constant(node, node.input(2));
            if (zt.dataType() != t.dataType()) throw refuse(node, "zero point type differs from the data's");
            zps = unsigned ? shift(OnnxTensors.ints(zt)) : OnnxTensors.ints(zt);
        }
        int rank = t.dims().length;
        int axis = (int) intAttr(node, "axis", 1);
        if (axis < 0) axis += rank;
        return new ConstDq(t.name(), t.dims(), values, scales, zps, axis, t.dataType());
    }

    // ---- int8 tensors through MaxPool and Flatten ----

    private OnnxValue maxPool(OnnxProto.Node node) {
        OnnxValue v = scope.value(node, 0);
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
        Quant out = scope.add(op, scope.checkLatest(node, q).shape(), q.scale(), q.zeroPoint());
        return v instanceof Dequant ? new Dequant(out) : out;
    }

    /** Flatten (axis 1) or Reshape to [N, C·H·W]: a vector in the same order. A vector stays as it is. */
    private OnnxValue flatten(OnnxProto.Node node) {
        OnnxValue v = scope.value(node, 0);
        Quant q = v instanceof Dequant d ? d.q() : v instanceof Quant direct ? direct : null;
        if (q == null) throw refuse(node, "input is not an int8 tensor of the model");
        if (node.opType().equals("Flatten")) {
            if (intAttr(node, "axis", 1) != 1) throw refuse(node, "only axis = 1 is supported");
        } else {
            int[] target = OnnxTensors.ints(scope.constant(node, node.input(1)));
            boolean toVector = target.length == 2 && (target[0] == -1 || target[0] == 0 || target[0] == 1)
                    && (target[1] == -1 || target[1] == q.shape().size()) && !(target[0] == -1 && target[1] == -1);
            if (!toVector) throw refuse(node, "only a Reshape to [N, C·H·W] is supported");
        }
        scope.checkLatest(node, q);
        if (q.shape().isVector()) return v;
        Quant out = scope.add(new Op.Flatten(node.describe()), q.shape(), q.scale(), q.zeroPoint());
        return v instanceof Dequant ? new Dequant(out) : out;
    }
}
