package org.cpc.compute.infer;

import java.util.List;

/**
 * Everything an inference computed, layer by layer, for commitments and per-layer checks: layer i's int8
 * outputs and, for Conv and Dense, its int32 accumulators (before requantization), each sample after the other.
 *
 * @param batch  samples
 * @param layers one per op of the model, in order
 */
public record Trace(int batch, List<Layer> layers) {
    public Trace {
        layers = List.copyOf(layers);
    }

    /** The model's output: the last layer's activations. */
    public byte[] output() {
        return layers.getLast().activations();
    }

    /**
     * One layer's results for the whole batch, sample-major; within a sample, channel-major (C × H·W, ONNX order).
     *
     * @param accumulators batch · shape.size() int32, or null for MaxPool and Flatten
     * @param activations  batch · shape.size() int8
     */
    public record Layer(Shape shape, int[] accumulators, byte[] activations) {
        /** Sample s's activations as one row, e.g. for a row commitment. */
        public byte[] activationRow(int sample) {
            int n = shape.size();
            return java.util.Arrays.copyOfRange(activations, sample * n, sample * n + n);
        }

        /** Sample s's accumulators as one row; only Conv and Dense layers have them. */
        public int[] accumulatorRow(int sample) {
            if (accumulators == null) throw new IllegalStateException("this layer has no accumulators");
            int n = shape.size();
            return java.util.Arrays.copyOfRange(accumulators, sample * n, sample * n + n);
        }
    }
}
