package org.cpc.compute.infer;

import static org.cpc.compute.infer.OnnxNodes.refuse;
import static org.cpc.compute.infer.OnnxNodes.shift;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cpc.compute.infer.OnnxValue.ConstDq;
import org.cpc.compute.infer.OnnxValue.Dequant;
import org.cpc.compute.infer.OnnxValue.Pending;
import org.cpc.compute.infer.OnnxValue.Quant;

/**
 * The state of one import as {@link OnnxImporter} walks the nodes: the constants (initializers and {@code Constant}
 * nodes), what each tensor name stands for, the integer ops made so far and the quantized graph input; with the
 * lookups and checks every node's import uses, and {@link #emit}, where a layer's float scales become integers.
 */
final class OnnxScope {
    final Map<String, OnnxProto.Tensor> constants;
    final Map<String, OnnxValue> values = new HashMap<>();
    final List<Op> ops = new ArrayList<>();
    /** The quantized graph input, once its QuantizeLinear is read. */
    Quant input;

    OnnxScope(Map<String, OnnxProto.Tensor> initializers) {
        this.constants = new HashMap<>(initializers);
    }

    /** The layer: its real multipliers s_in·s_w[o]/s_out become integer ones. */
    Quant emit(Pending p, float outScale, int outZeroPoint) {
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

    Quant add(Op op, Shape in, float scale, int zeroPoint) {
        Shape out = op.output(in);
        ops.add(op);
        return new Quant(out, scale, zeroPoint, ops.size());
    }

    float scalarScale(OnnxProto.Node node, String name) {
        float[] s = OnnxTensors.floats(constant(node, name));
        if (s.length != 1 || !(s[0] > 0) || Float.isInfinite(s[0])) {
            throw refuse(node, "scale '" + name + "' must be one positive float (activations are quantized per tensor)");
        }
        return s[0];
    }

    /** One int8 or uint8 zero point, shifted to int8; absent means uint8 0 (ONNX's default). */
    int zeroPoint(OnnxProto.Node node, String name) {
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
    int[] zeroPoint(OnnxProto.Node node, String name, int weightType) {
        OnnxProto.Tensor t = constant(node, name);
        if (t.dataType() != weightType) throw refuse(node, "weight zero point type differs from the weights'");
        int[] z = OnnxTensors.ints(t);
        return weightType == OnnxProto.UINT8 ? shift(z) : z;
    }

    OnnxValue value(OnnxProto.Node node, int i) {
        OnnxValue v = values.get(node.input(i));
        if (v == null) throw refuse(node, "input '" + node.input(i) + "' is not produced by a supported node before it");
        return v;
    }

    Quant dequantized(OnnxProto.Node node) {
        if (!(value(node, 0) instanceof Dequant d)) {
            throw refuse(node, "input is not a DequantizeLinear of an int8 tensor (float ops are not supported)");
        }
        return checkLatest(node, d.q());
    }

    Quant checkLatest(OnnxProto.Node node, Quant q) {
        if (q.producer() != ops.size()) throw refuse(node, "does not take the latest layer's output: branching graphs"
                + " are not supported");
        return q;
    }

    ConstDq weights(OnnxProto.Node node, String name) {
        if (!(values.get(name) instanceof ConstDq w) || w.dataType() == OnnxProto.INT32) {
            throw refuse(node, "weights '" + name + "' are not an int8/uint8 constant through DequantizeLinear");
        }
        return w;
    }

    OnnxProto.Tensor constant(OnnxProto.Node node, String name) {
        OnnxProto.Tensor t = constants.get(name);
        if (t == null) throw refuse(node, "'" + name + "' must be a constant (an initializer or Constant)");
        return t;
    }

    static int dim(OnnxProto.Node node, ConstDq w, int i) {
        long d = w.dims()[i];
        if (d < 1 || d > Integer.MAX_VALUE) throw refuse(node, "weight dim " + d);
        return (int) d;
    }
}
