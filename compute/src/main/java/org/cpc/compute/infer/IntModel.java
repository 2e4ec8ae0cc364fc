package org.cpc.compute.infer;

import java.util.ArrayList;
import java.util.List;

/**
 * An exact integer model: a chain of {@link Op}s from an int8 input of shape {@code input} (already quantized with
 * {@code inputScale} and {@code inputZeroPoint}) to an int8 output (read as real numbers with {@code outputScale} and
 * the last layer's zero point). The scales are kept only to say what the numbers mean; the computation uses none.
 */
public record IntModel(Shape input, float inputScale, int inputZeroPoint, List<Op> ops, float outputScale,
                       int outputZeroPoint) {
    public IntModel {
        ops = List.copyOf(ops);
        if (ops.isEmpty()) throw new OnnxException("the model has no layers");
        shapesOf(input, ops); // every op must accept its input
    }

    /** The shape after each op: element i is op i's output. */
    public List<Shape> shapes() {
        return shapesOf(input, ops);
    }

    public Shape output() {
        return shapes().getLast();
    }

    /** The input shape of op i. */
    public Shape inputOf(int i) {
        return i == 0 ? input : shapes().get(i - 1);
    }

    public long parameters() {
        long n = 0;
        for (Op op : ops) {
            IntLinear l = linear(op);
            if (l != null) n += (long) l.outputs() * l.depth() + l.outputs();
        }
        return n;
    }

    public long macsPerSample() {
        long n = 0;
        for (int i = 0; i < ops.size(); i++) n += ops.get(i).macs(inputOf(i));
        return n;
    }

    /** Bytes of one sample's trace: each layer's int8 output, and 4 per int32 accumulator of Conv and Dense. */
    public long traceBytesPerSample() {
        long n = 0;
        List<Shape> shapes = shapes();
        for (int i = 0; i < ops.size(); i++) n += (long) shapes.get(i).size() * (linear(ops.get(i)) != null ? 5 : 1);
        return n;
    }

    /** The Conv or Dense parameters of an op, or null for MaxPool and Flatten. */
    public static IntLinear linear(Op op) {
        return switch (op) {
            case Op.Conv c -> c.linear();
            case Op.Dense d -> d.linear();
            case Op.MaxPool p -> null;
            case Op.Flatten f -> null;
        };
    }

    /**
     * Throws an {@link OnnxException} naming the first limit this model exceeds; the last is that every entry of
     * every layer can be disputed in one fraud proof ({@link Disputability#check}), which the limits above bound
     * the time of.
     */
    public void checkLimits(ModelLimits limits) {
        check(ops.size(), limits.layers(), "layers");
        check(parameters(), limits.parameters(), "parameters");
        check(macsPerSample(), limits.macsPerSample(), "multiply-adds per sample");
        check(input.size(), limits.inputBytes(), "input bytes per sample");
        check(traceBytesPerSample(), limits.traceBytesPerSample(), "trace bytes per sample");
        Disputability.check(this);
    }

    private static void check(long value, long limit, String what) {
        if (value > limit) throw new OnnxException("the model has " + value + " " + what + ", more than the limit " + limit);
    }

    /**
     * The model's v2 commitment ({@link ModelTree}, docs/protocol.md): an RFC 6962 root over everything that decides
     * the integer outputs — per layer its kind, place, shapes, geometry, zero points and ReLU flag, and per output
     * unit its weights, weight zero point, bias, multiplier and shift — and nothing else (no node names, no scales).
     * It opens: a fraud proof shows one layer's header and one unit against it with a path.
     */
    public byte[] commitment() {
        return new ModelTree(this).root();
    }

    private static List<Shape> shapesOf(Shape input, List<Op> ops) {
        List<Shape> shapes = new ArrayList<>(ops.size());
        Shape s = input;
        for (Op op : ops) {
            s = op.output(s);
            shapes.add(s);
        }
        return shapes;
    }
}
