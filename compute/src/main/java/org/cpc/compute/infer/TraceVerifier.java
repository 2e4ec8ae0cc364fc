package org.cpc.compute.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Checks a {@link Trace} against a model and its input, layer by layer, without redoing the products. Each Conv and
 * Dense layer's accumulators get a Freivalds check: with secret random r over the output channels,
 * <pre>  Σ_o r_o·acc[o][q] = Σ_t u_t·(x_q[t] − zx) + Σ_o r_o·bias[o],   u_t = Σ_o r_o·(w[o][t] − zw[o])</pre>
 * for every sample and output position q (x_q the patch position q sees), in Z/2^64 with {@link #ROUNDS} vectors;
 * u is prepared once per model. That costs a pass over the layer's inputs and accumulators instead of the product;
 * the soundness argument is {@link org.cpc.compute.market.Freivalds}' (a wrong int32 accumulator column survives a
 * round with probability ≤ 2^-32). Requantization, ReLU, MaxPool and Flatten are cheap and recomputed exactly from
 * the trace. Each layer's input is the previous layer's output as the trace states it, so a wrong value is caught in
 * the layer that produced it.
 *
 * <p>Thread-safe after construction; the randomness must stay secret from whoever made the trace.
 */
public final class TraceVerifier {
    public static final int ROUNDS = 2;

    private final IntModel model;
    /**
     * Per op (null for MaxPool and Flatten): r[round][o], u[round][t], and c[round] = Σ_o r_o·bias[o] − zx·Σ_t u_t, the
     * part of the right-hand side that is the same at every position (the input zero point folded in).
     */
    private final List<Vectors> vectors = new ArrayList<>();

    private record Vectors(long[][] r, long[][] u, long[] c) {}

    /** Where a trace first goes wrong: layer index, sample, and what. */
    public record Failure(int layer, int sample, String reason) {}

    public TraceVerifier(IntModel model, RandomGenerator secret) {
        this.model = model;
        for (Op op : model.ops()) {
            IntLinear l = IntModel.linear(op);
            vectors.add(l == null ? null : vectors(l, secret));
        }
    }

    private static Vectors vectors(IntLinear l, RandomGenerator secret) {
        long[][] r = new long[ROUNDS][l.outputs()];
        long[][] u = new long[ROUNDS][l.depth()];
        long[] c = new long[ROUNDS];
        for (int k = 0; k < ROUNDS; k++) {
            for (int o = 0; o < l.outputs(); o++) {
                long ro = secret.nextLong();
                r[k][o] = ro;
                c[k] += ro * l.bias()[o];
                for (int t = 0; t < l.depth(); t++) u[k][t] += ro * (l.weights()[o * l.depth() + t] - l.weightZeroPoints()[o]);
            }
            for (int t = 0; t < l.depth(); t++) c[k] -= l.inputZeroPoint() * u[k][t];
        }
        return new Vectors(r, u, c);
    }

    /** The first failure, or empty when every layer of every sample checks out. */
    public Optional<Failure> verify(byte[] input, Trace trace) {
        int batch = trace.batch();
        List<Shape> shapes = model.shapes();
        if (batch < 1 || input.length != (long) batch * model.input().size()) {
            return Optional.of(new Failure(-1, -1, "input is " + input.length + " bytes, not " + batch + " samples of "
                    + model.input()));
        }
        if (trace.layers().size() != shapes.size()) {
            return Optional.of(new Failure(-1, -1, "trace has " + trace.layers().size() + " layers, model " + shapes.size()));
        }
        byte[] in = input;
        for (int i = 0; i < shapes.size(); i++) {
            Trace.Layer layer = trace.layers().get(i);
            Op op = model.ops().get(i);
            String shapeError = shapeError(layer, shapes.get(i), batch, IntModel.linear(op) != null);
            if (shapeError != null) return Optional.of(new Failure(i, -1, shapeError));
            Shape inShape = model.inputOf(i);
            for (int s = 0; s < batch; s++) {
                String why = switch (op) {
                    case Op.Conv c -> linear(c.linear(), vectors.get(i), in, inShape, c.window(), layer, s);
                    case Op.Dense d -> linear(d.linear(), vectors.get(i), in, inShape, null, layer, s);
                    case Op.MaxPool p -> maxPool(p, in, inShape, layer, s);
                    case Op.Flatten f -> Arrays.equals(in, s * inShape.size(), (s + 1) * inShape.size(),
                            layer.activations(), s * inShape.size(), (s + 1) * inShape.size()) ? null
                            : "Flatten changed values";
                };
                if (why != null) return Optional.of(new Failure(i, s, op.node() + ": " + why));
            }
            in = layer.activations();
        }
        return Optional.empty();
    }

    private static String shapeError(Trace.Layer layer, Shape expected, int batch, boolean linear) {
        long size = (long) batch * expected.size();
        if (!layer.shape().equals(expected)) return "shape " + layer.shape() + ", model says " + expected;
        if (layer.activations().length != size) return "activations have " + layer.activations().length + " values, not " + size;
        if (linear && (layer.accumulators() == null || layer.accumulators().length != size)) {
            return "accumulators missing or not " + size + " values";
        }
        return null;
    }

    /** Freivalds on sample s's accumulators, then its outputs recomputed from them; window null for Dense. */
    private static String linear(IntLinear l, Vectors v, byte[] in, Shape inShape, Window window, Trace.Layer layer,
            int s) {
        int positions = layer.shape().plane();
        int offset = s * layer.shape().size();
        byte[] patches;
        if (window == null) {
            patches = Arrays.copyOfRange(in, s * inShape.size(), (s + 1) * inShape.size());
        } else {
            patches = new byte[l.depth() * positions];
            Patches.im2col(in, s * inShape.size(), inShape, window, (byte) l.inputZeroPoint(), patches);
        }
        int[] acc = layer.accumulators();
        // Per round, every position at once: d[q] = c + Σ_t u_t·patch[t][q] − Σ_o r_o·acc[o][q] must be 0 (mod 2^64).
        // Row by row, so that each pass reads patches and accumulators in order (and the JIT vectorizes it).
        long[] d = new long[positions];
        for (int k = 0; k < ROUNDS; k++) {
            long[] u = v.u()[k], r = v.r()[k];
            Arrays.fill(d, v.c()[k]);
            for (int t = 0; t < l.depth(); t++) {
                long ut = u[t];
                int row = t * positions;
                for (int q = 0; q < positions; q++) d[q] += ut * patches[row + q];
            }
            for (int o = 0; o < l.outputs(); o++) {
                long ro = r[o];
                int row = offset + o * positions;
                for (int q = 0; q < positions; q++) d[q] -= ro * acc[row + q];
            }
            for (int q = 0; q < positions; q++) {
                if (d[q] != 0) return "accumulators at position " + q + " fail the Freivalds check";
            }
        }
        for (int o = 0; o < l.outputs(); o++) {
            for (int q = 0; q < positions; q++) {
                int at = offset + o * positions + q;
                if (layer.activations()[at] != l.output(o, acc[at])) {
                    return "output channel " + o + " position " + q + " is not the requantized accumulator";
                }
            }
        }
        return null;
    }

    private static String maxPool(Op.MaxPool p, byte[] in, Shape inShape, Trace.Layer layer, int s) {
        int n = layer.shape().size();
        byte[] expected = new byte[n];
        Patches.maxPool(in, s * inShape.size(), inShape, p.window(), expected, 0);
        return Arrays.equals(expected, 0, n, layer.activations(), s * n, (s + 1) * n) ? null : "MaxPool output differs";
    }
}
