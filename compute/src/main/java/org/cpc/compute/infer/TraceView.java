package org.cpc.compute.infer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Trace} as memory the {@link TraceVerifier} reads in place: a trace's own arrays, or a job's output bytes
 * as the worker sent them (no copy into arrays first).
 *
 * @param batch  samples
 * @param layers one per op of the model, in order
 */
public record TraceView(int batch, List<Layer> layers) {
    public TraceView {
        layers = List.copyOf(layers);
    }

    /**
     * One layer, laid out as {@link Trace.Layer}: sample after sample, channel-major within a sample.
     *
     * @param accumulators batch · shape.size() int32 in {@code order}, or null for MaxPool and Flatten
     * @param activations  batch · shape.size() int8
     */
    public record Layer(Shape shape, MemorySegment accumulators, ByteOrder order, MemorySegment activations) {}

    /** A trace's arrays, in place (an int[] is in the platform's byte order). */
    public static TraceView of(Trace t) {
        List<Layer> layers = new ArrayList<>(t.layers().size());
        for (Trace.Layer l : t.layers()) {
            layers.add(new Layer(l.shape(), l.accumulators() == null ? null : MemorySegment.ofArray(l.accumulators()),
                    ByteOrder.nativeOrder(), MemorySegment.ofArray(l.activations())));
        }
        return new TraceView(t.batch(), layers);
    }
}
