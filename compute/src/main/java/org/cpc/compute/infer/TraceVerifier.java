package org.cpc.compute.infer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import org.cpc.compute.Futures;

/**
 * Checks a {@link Trace} against a model and its input, layer by layer and sample by sample, without redoing the
 * products. Each layer's input is the previous layer's output as the trace states it, so a wrong value is caught in
 * the layer that produced it.
 *
 * <p>Conv and Dense ({@link ConvCheck}, {@link DenseCheck}): every accumulator must lie in the range its channel's
 * weights allow for any int8 input ({@link LinearRounds}), and its activation must be its requantization, exactly;
 * then the products get a Freivalds check in F_p, p = 2^31 − 1 ({@link Field31}): with secret r uniform over the
 * output channels and, for Conv, s uniform over the output positions, the polynomial
 * <pre>  f(r, s) = Σ_o Σ_q r_o·s_q·(acc'[o][q] − acc[o][q])</pre>
 * of the claimed and the true accumulators must vanish. Both lie in a range narrower than 2^30 &lt; p, so a wrong
 * sample gives f a nonzero coefficient; f has total degree d = 2 for Conv (1 for Dense, where s is 1), so by
 * Schwartz–Zippel it vanishes with probability ≤ d/p. Rounds use independent vectors, so a wrong sample of a layer
 * passes R rounds with probability ≤ (d/p)^R, and a job of n samples with probability ≤ n·Σ_layers (d/p)^R. A job
 * gets the fewest rounds that make this ≤ 2^-40 ({@link #rounds}), and at least two (the pass that checks the
 * requantization computes two; one could not reach 2^-40 anyway, p being below 2^40): for the Fashion-MNIST CNN
 * (two Conv and two Dense layers: n·10/p²) 2 rounds up to 419,430 samples (2^-50.7 at 256), 3 beyond. The vectors
 * are prepared once per model and task, for the rounds of {@link #MAX_BATCH} samples.
 *
 * <p>Requantization, ReLU, MaxPool and Flatten are recomputed exactly for every value.
 *
 * <p>Thread-safe after construction; the randomness must stay secret from whoever made the trace.
 */
public final class TraceVerifier {
    /** The largest job, in samples, that the prepared rounds cover (the inference payload's bound on samples_per_job). */
    public static final int MAX_BATCH = 1 << 20;
    /**
     * Rounds that cover every job of up to {@link #MAX_BATCH} samples of any model within the limits (64 layers of
     * degree ≤ 2: 2^20·64·(2/p)^3 &lt; 2^-60); the job cost estimate uses it.
     */
    public static final int TYPICAL_ROUNDS = 3;
    /** False acceptance per job at most 2^-SECURITY_BITS. */
    public static final int SECURITY_BITS = 40;

    private final IntModel model;
    /** Per op: its check, or null for MaxPool and Flatten. */
    private final List<LinearCheck> checks = new ArrayList<>();
    /** The degree of each Conv and Dense layer's polynomial. */
    private final long[] degrees;
    private final int prepared;
    private final int threads;

    /** Threads for the parts of a job beyond the caller's, ended after a minute idle; daemons. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cpc-trace-check");
        t.setDaemon(true);
        return t;
    });

    /** Where a trace first goes wrong: layer index, sample, and what. */
    public record Failure(int layer, int sample, String reason) {}

    public TraceVerifier(IntModel model, RandomGenerator secret) {
        this(model, secret, 1);
    }

    /**
     * A verifier that checks the samples of one job on {@code threads} threads (the caller's and pool threads); one
     * for a PoC validator that checks several jobs at once.
     */
    public TraceVerifier(IntModel model, RandomGenerator secret, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.model = model;
        this.threads = threads;
        degrees = model.ops().stream().filter(op -> IntModel.linear(op) != null)
                .mapToLong(op -> op instanceof Op.Conv ? 2 : 1).toArray();
        prepared = rounds(MAX_BATCH);
        for (int i = 0; i < model.ops().size(); i++) {
            checks.add(switch (model.ops().get(i)) {
                case Op.Conv c -> new ConvCheck(c, model.inputOf(i), prepared, secret);
                case Op.Dense x -> new DenseCheck(x, prepared, secret);
                default -> null;
            });
        }
    }

    /**
     * The rounds a job of {@code batch} samples needs: the fewest R ≥ 2 with batch·Σ d^R·2^40 ≤ p^R, in exact
     * integers.
     */
    public int rounds(int batch) {
        BigInteger field = BigInteger.valueOf(Field31.P);
        for (int r = 2; ; r++) {
            BigInteger sum = BigInteger.ZERO;
            for (long d : degrees) sum = sum.add(BigInteger.valueOf(d).pow(r));
            if (sum.multiply(BigInteger.valueOf(batch)).shiftLeft(SECURITY_BITS).compareTo(field.pow(r)) <= 0) return r;
        }
    }

    /** The first failure, or empty when every layer of every sample checks out. */
    public Optional<Failure> verify(byte[] input, Trace trace) {
        return verify(input, TraceView.of(trace));
    }

    /** The same for a trace read in place (e.g. a job's output bytes). */
    public Optional<Failure> verify(byte[] input, TraceView trace) {
        int batch = trace.batch();
        List<Shape> shapes = model.shapes();
        if (batch < 1 || batch > MAX_BATCH || input.length != (long) batch * model.input().size()) {
            return Optional.of(new Failure(-1, -1, "input is " + input.length + " bytes, not " + batch + " samples of "
                    + model.input() + " (1.." + MAX_BATCH + " samples)"));
        }
        if (trace.layers().size() != shapes.size()) {
            return Optional.of(new Failure(-1, -1, "trace has " + trace.layers().size() + " layers, model " + shapes.size()));
        }
        for (int i = 0; i < shapes.size(); i++) {
            String shapeError = shapeError(trace.layers().get(i), shapes.get(i), checks.get(i) != null);
            if (shapeError != null) return Optional.of(new Failure(i, -1, shapeError));
        }
        int rounds = rounds(batch);
        int parts = Math.min(threads, batch);
        List<Future<Optional<Failure>>> running = new ArrayList<>();
        for (int t = 1; t < parts; t++) {
            int s0 = (int) ((long) batch * t / parts);
            int s1 = (int) ((long) batch * (t + 1) / parts);
            running.add(POOL.submit(() -> samples(input, trace, rounds, s0, s1)));
        }
        // Parts in sample order: the first part's failure is the batch's first.
        Optional<Failure> first = samples(input, trace, rounds, 0, batch / parts);
        for (Future<Optional<Failure>> f : running) {
            Optional<Failure> part = Futures.await(f, "a trace-checking thread");
            if (first.isEmpty()) first = part;
        }
        return first;
    }

    /** Samples [s0, s1), each through every layer: its first failure, or empty. */
    private Optional<Failure> samples(byte[] input, TraceView trace, int rounds, int s0, int s1) {
        List<Shape> shapes = model.shapes();
        List<Shape> inputs = new ArrayList<>(shapes.size());
        for (int i = 0; i < shapes.size(); i++) inputs.add(i == 0 ? model.input() : shapes.get(i - 1));
        byte[][] acts = new byte[shapes.size()][];
        for (int i = 0; i < shapes.size(); i++) acts[i] = new byte[shapes.get(i).size()];
        byte[] first = new byte[model.input().size()];
        byte[] pooled = new byte[shapes.stream().mapToInt(Shape::size).max().orElseThrow()];
        byte[][] scratch = new byte[shapes.size()][];
        for (int i = 0; i < shapes.size(); i++) {
            if (model.ops().get(i) instanceof Op.MaxPool p && PoolVectors.fits(p.window(), inputs.get(i))) {
                scratch[i] = PoolVectors.scratch(inputs.get(i));
            }
        }
        for (int s = s0; s < s1; s++) {
            System.arraycopy(input, s * first.length, first, 0, first.length);
            byte[] x = first;
            for (int i = 0; i < shapes.size(); i++) {
                TraceView.Layer layer = trace.layers().get(i);
                int size = shapes.get(i).size();
                System.arraycopy(trace.bytes(), layer.activations() + s * size, acts[i], 0, size);
                int at = layer.accumulators() + 4 * s * size;
                String why = switch (model.ops().get(i)) {
                    case Op.Conv c -> checks.get(i).check(rounds, trace.bytes(), at, x, acts[i]);
                    case Op.Dense d -> checks.get(i).check(rounds, trace.bytes(), at, x, acts[i]);
                    case Op.MaxPool p -> {
                        boolean same;
                        if (PoolVectors.fits(p.window(), inputs.get(i))) {
                            same = PoolVectors.matches(x, inputs.get(i), acts[i], scratch[i]);
                        } else {
                            Patches.maxPool(x, 0, inputs.get(i), p.window(), pooled, 0);
                            same = Arrays.equals(pooled, 0, size, acts[i], 0, size);
                        }
                        yield same ? null : "MaxPool output differs";
                    }
                    case Op.Flatten f -> Arrays.equals(x, acts[i]) ? null : "Flatten changed values";
                };
                if (why != null) return Optional.of(new Failure(i, s, model.ops().get(i).node() + ": " + why));
                x = acts[i];
            }
        }
        return Optional.empty();
    }

    /** The layer's shape is not the model's, or it lacks the accumulators its op makes (its extent {@link TraceView#of} checked). */
    private static String shapeError(TraceView.Layer layer, Shape expected, boolean linear) {
        if (!layer.shape().equals(expected)) return "shape " + layer.shape() + ", model says " + expected;
        if (linear != layer.linear()) return linear ? "accumulators missing" : "accumulators where the op has none";
        return null;
    }
}
