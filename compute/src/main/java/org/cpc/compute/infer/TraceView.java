package org.cpc.compute.infer;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A trace as the bytes of a job's output, which the {@link TraceVerifier} reads in place: per layer in model order,
 * the Conv/Dense int32 accumulators (little-endian) and then the int8 activations, each sample after the other,
 * channel-major within a sample (docs/protocol.md, "The inference challenge type").
 *
 * <p>One byte array rather than the trace's own int arrays or a {@code MemorySegment}: C2 compiles a vector load of
 * ints from a byte-backed heap segment without its intrinsic in some JVMs (HotSpot's "not supported: op=load
 * etype=int atype=byte"), and then every vector is a heap object and the check runs 4–5× slower; a byte vector
 * loaded from a byte array and read as ints is always compiled to one load.
 *
 * @param batch  samples
 * @param bytes  the whole trace
 * @param layers one per op of the model, in order
 */
public record TraceView(int batch, byte[] bytes, List<Layer> layers) {
    /** The largest trace a byte array holds. */
    public static final int MAX_BYTES = Integer.MAX_VALUE - 8;
    private static final ValueLayout.OfInt LITTLE_ENDIAN_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public TraceView {
        layers = List.copyOf(layers);
        for (Layer l : layers) {
            long size = (long) batch * l.shape().size();
            if (batch < 1 || l.activations() < 0 || l.activations() + size > bytes.length
                    || (l.linear() && l.accumulators() + 4 * size > bytes.length)) {
                throw new IllegalArgumentException("layer " + l + " of " + batch + " samples lies outside the "
                        + bytes.length + " bytes of the trace");
            }
        }
    }

    /**
     * Where one layer lies in {@link #bytes}.
     *
     * @param accumulators the index of its first accumulator, or −1 for MaxPool and Flatten (none)
     * @param activations  the index of its first activation
     */
    public record Layer(Shape shape, int accumulators, int activations) {
        public boolean linear() {
            return accumulators >= 0;
        }
    }

    /**
     * Where each layer of a trace of {@code batch} samples through layers of these shapes lies in a job's output,
     * those with {@code linear[i]} having accumulators: the one statement of the layout, which the trace commitment's
     * rows ({@code InferenceCommitment.Layout}) read too.
     */
    public static List<Layer> layout(int batch, List<Shape> shapes, boolean[] linear) {
        long total = 0;
        for (int i = 0; i < shapes.size(); i++) total += (long) batch * shapes.get(i).size() * (linear[i] ? 5 : 1);
        if (total > MAX_BYTES) {
            throw new IllegalArgumentException("a trace of " + batch + " samples is " + total + " bytes, more than "
                    + MAX_BYTES);
        }
        List<Layer> layers = new ArrayList<>(shapes.size());
        int at = 0;
        for (int i = 0; i < shapes.size(); i++) {
            int size = batch * shapes.get(i).size();
            int acc = -1;
            if (linear[i]) {
                acc = at;
                at += 4 * size;
            }
            layers.add(new Layer(shapes.get(i), acc, at));
            at += size;
        }
        return layers;
    }

    /** The layout of a trace of {@code batch} samples of {@code model}. */
    public static List<Layer> layout(IntModel model, int batch) {
        boolean[] linear = new boolean[model.ops().size()];
        for (int i = 0; i < linear.length; i++) linear[i] = IntModel.linear(model.ops().get(i)) != null;
        return layout(batch, model.shapes(), linear);
    }

    /**
     * A job's output read in place as the trace of {@code batch} samples of {@code model} ({@link #encode}'s layout);
     * its length must be exact: what the PoC validator checks.
     */
    public static TraceView of(IntModel model, int batch, byte[] bytes) {
        return of(bytes, batch, layout(model, batch));
    }

    /** A trace's arrays encoded as a job's output (a copy). */
    public static TraceView of(Trace t) {
        List<Shape> shapes = new ArrayList<>();
        boolean[] linear = new boolean[t.layers().size()];
        for (int i = 0; i < linear.length; i++) {
            shapes.add(t.layers().get(i).shape());
            linear[i] = t.layers().get(i).accumulators() != null;
        }
        return of(encode(t), t.batch(), layout(t.batch(), shapes, linear));
    }

    private static TraceView of(byte[] bytes, int batch, List<Layer> layers) {
        Layer last = layers.getLast();
        long expected = last.activations() + (long) batch * last.shape().size();
        if (bytes.length != expected) {
            throw new IllegalArgumentException("output is " + bytes.length + " bytes, not the " + expected
                    + " of a trace of " + batch + " samples");
        }
        return new TraceView(batch, bytes, layers);
    }

    /** A trace as a job output: per layer, the accumulators (int32 LE, Conv and Dense only) then the activations. */
    public static byte[] encode(Trace t) {
        long size = 0;
        for (Trace.Layer l : t.layers()) size += (l.accumulators() == null ? 0 : 4L * l.accumulators().length) + l.activations().length;
        if (size > MAX_BYTES) throw new IllegalArgumentException("the trace is " + size + " bytes, more than " + MAX_BYTES);
        byte[] out = new byte[(int) size];
        MemorySegment o = MemorySegment.ofArray(out);
        int at = 0;
        for (Trace.Layer l : t.layers()) {
            if (l.accumulators() != null) {
                MemorySegment.copy(l.accumulators(), 0, o, LITTLE_ENDIAN_INT, at, l.accumulators().length);
                at += 4 * l.accumulators().length;
            }
            System.arraycopy(l.activations(), 0, out, at, l.activations().length);
            at += l.activations().length;
        }
        return out;
    }
}
