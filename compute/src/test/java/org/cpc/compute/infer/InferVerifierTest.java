package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.SplittableRandom;
import org.cpc.compute.gemm.JavaGemm;
import org.junit.jupiter.api.Test;

/** The per-layer check accepts honest traces and finds one corrupted value in the layer that made it. */
class InferVerifierTest {
    private static final int MODELS = 12;

    @Test
    void acceptsHonestTraces() {
        SplittableRandom random = new SplittableRandom(11);
        for (int m = 0; m < MODELS; m++) {
            IntModel model = RandomModels.model(random);
            byte[] input = RandomModels.input(random, model, 3);
            Trace trace = new InferenceExecutor(model, new JavaGemm(1), 2).run(input, 3);
            assertThat(new TraceVerifier(model, new SplittableRandom(m)).verify(input, trace)).isEmpty();
        }
    }

    /** Every layer in turn: one activation of one sample changed by one. */
    @Test
    void catchesOneCorruptedActivationInItsLayer() {
        SplittableRandom random = new SplittableRandom(12);
        for (int m = 0; m < MODELS; m++) {
            IntModel model = RandomModels.model(random);
            byte[] input = RandomModels.input(random, model, 2);
            for (int layer = 0; layer < model.ops().size(); layer++) {
                Trace trace = new InferenceExecutor(model, new JavaGemm(1), 1).run(input, 2);
                byte[] a = trace.layers().get(layer).activations();
                int at = random.nextInt(a.length);
                a[at] = (byte) (a[at] == 127 ? 126 : a[at] + 1);
                Optional<TraceVerifier.Failure> f = new TraceVerifier(model, new SplittableRandom(99)).verify(input, trace);
                assertThat(f).as("model %d layer %d", m, layer).isPresent();
                assertThat(f.get().layer()).as("model %d", m).isEqualTo(layer);
                assertThat(f.get().sample()).isEqualTo(at / model.shapes().get(layer).size());
            }
        }
    }

    /** A wrong product made consistent downstream of it (outputs requantized from the wrong accumulator) fails Freivalds. */
    @Test
    void catchesAWrongAccumulatorWithConsistentOutputs() {
        SplittableRandom random = new SplittableRandom(13);
        for (int m = 0; m < MODELS; m++) {
            IntModel model = RandomModels.model(random);
            byte[] input = RandomModels.input(random, model, 2);
            Trace trace = new InferenceExecutor(model, new JavaGemm(1), 1).run(input, 2);
            int layer = model.ops().size() - 1; // always a Dense layer
            Trace.Layer l = trace.layers().get(layer);
            int at = random.nextInt(l.accumulators().length);
            l.accumulators()[at] += 1 << random.nextInt(31);
            int channel = (at % l.shape().size()) / l.shape().plane();
            l.activations()[at] = IntModel.linear(model.ops().get(layer)).output(channel, l.accumulators()[at]);
            Optional<TraceVerifier.Failure> f = new TraceVerifier(model, new SplittableRandom(7)).verify(input, trace);
            assertThat(f).as("model %d", m).isPresent();
            assertThat(f.get().reason()).containsAnyOf("Freivalds", "outside"); // a large change leaves the range
            assertThat(f.get().layer()).isEqualTo(layer);
        }
    }

    /**
     * Every layer, the first and last sample, and in each the values at the borders (first and last channel; first
     * and last position of the first and last output row, the outputs a Conv's padding reaches): one activation
     * changed, one accumulator changed by one with its activation made consistent (the product is wrong), one
     * accumulator changed alone, and one put outside the range its inputs allow. Each is caught in its own layer and
     * sample, and a consistent wrong product by the Freivalds check.
     */
    @Test
    void catchesEachCorruptionAtTheBordersOfEveryLayer() {
        SplittableRandom random = new SplittableRandom(15);
        int batch = 3;
        for (int m = 0; m < MODELS; m++) {
            IntModel model = RandomModels.model(random);
            byte[] input = RandomModels.input(random, model, batch);
            InferenceExecutor x = new InferenceExecutor(model, new JavaGemm(1), 1);
            TraceVerifier verifier = new TraceVerifier(model, new SplittableRandom(m + 100));
            for (int layer = 0; layer < model.ops().size(); layer++) {
                Shape shape = model.shapes().get(layer);
                IntLinear linear = IntModel.linear(model.ops().get(layer));
                for (int sample : new int[] {0, batch - 1}) {
                    for (int entry : borders(shape)) {
                        int at = sample * shape.size() + entry;
                        String where = "model " + m + " layer " + layer + " sample " + sample + " entry " + entry;
                        Trace t = x.run(input, batch);
                        byte[] acts = t.layers().get(layer).activations();
                        acts[at] = (byte) (acts[at] == 127 ? 126 : acts[at] + 1);
                        assertCaught(verifier.verify(input, t), layer, sample, null, where + " activation");
                        if (linear == null) continue;
                        int channel = entry / shape.plane();
                        t = x.run(input, batch);
                        int[] acc = t.layers().get(layer).accumulators();
                        acc[at] += random.nextBoolean() ? 1 : -1;
                        t.layers().get(layer).activations()[at] = linear.output(channel, acc[at]);
                        assertCaught(verifier.verify(input, t), layer, sample, "Freivalds", where + " product");
                        t = x.run(input, batch);
                        acc = t.layers().get(layer).accumulators();
                        acc[at] += 1 << random.nextInt(8, 20);
                        assertCaught(verifier.verify(input, t), layer, sample, null, where + " accumulator");
                        t = x.run(input, batch);
                        t.layers().get(layer).accumulators()[at] = random.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                        assertCaught(verifier.verify(input, t), layer, sample, "outside", where + " range");
                    }
                }
            }
        }
    }

    /**
     * The Fashion-MNIST CNN's two Conv layers (784 and 196 positions a channel: 49 steps of 16, and 12 steps and a
     * tail of 4), one channel each: at every position of the first two steps and of the last step and tail, an
     * activation changed, a product made wrong with its activation kept consistent, and an accumulator put outside
     * its range are each caught, at that position, by the right test.
     */
    @Test
    void catchesACorruptionInEveryLaneOfAConvRun() {
        IntModel model = OnnxImporter.fromBytes(OnnxImportTest.fixture("fashion/cnn.onnx"), ModelLimits.DEFAULT);
        int batch = 2;
        byte[] input = java.util.Arrays.copyOf(OnnxImportTest.fixture("fashion/cnn.subset.input.bin"),
                batch * model.input().size());
        InferenceExecutor x = new InferenceExecutor(model, new JavaGemm(1), 1);
        TraceVerifier verifier = new TraceVerifier(model, new SplittableRandom(5));
        assertThat(verifier.verify(input, x.run(input, batch))).isEmpty();
        for (int layer = 0; layer < model.ops().size(); layer++) {
            IntLinear linear = IntModel.linear(model.ops().get(layer));
            if (!(model.ops().get(layer) instanceof Op.Conv)) continue;
            Shape shape = model.shapes().get(layer);
            int channel = shape.channels() / 2;
            java.util.Set<Integer> positions = new java.util.TreeSet<>();
            for (int q = 0; q < 32; q++) positions.add(q);
            for (int q = Math.max(0, shape.plane() - 20); q < shape.plane(); q++) positions.add(q);
            for (int q : positions) {
                int at = shape.size() + channel * shape.plane() + q; // sample 1
                String where = "layer " + layer + " position " + q;
                Trace t = x.run(input, batch);
                byte[] acts = t.layers().get(layer).activations();
                acts[at] = (byte) (acts[at] == 127 ? 126 : acts[at] + 1);
                assertCaught(verifier.verify(input, t), layer, 1, "position " + q + " is not the requantized", where);
                t = x.run(input, batch);
                int[] acc = t.layers().get(layer).accumulators();
                acc[at] += (q & 1) == 0 ? 1 : -1;
                t.layers().get(layer).activations()[at] = linear.output(channel, acc[at]);
                assertCaught(verifier.verify(input, t), layer, 1, "Freivalds", where + " product");
                t = x.run(input, batch);
                t.layers().get(layer).accumulators()[at] = (q & 1) == 0 ? Integer.MIN_VALUE : Integer.MAX_VALUE;
                assertCaught(verifier.verify(input, t), layer, 1, "position " + q + " is " , where + " range");
            }
        }
    }

    /** Entries of one sample's layer output at its borders: first/last channel × corners of the plane. */
    private static java.util.Set<Integer> borders(Shape s) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (int c : new int[] {0, s.channels() - 1}) {
            for (int q : new int[] {0, s.width() - 1, s.plane() - s.width(), s.plane() - 1}) out.add(c * s.plane() + q);
        }
        return out;
    }

    private static void assertCaught(Optional<TraceVerifier.Failure> f, int layer, int sample, String reason,
            String what) {
        assertThat(f).as(what).isPresent();
        assertThat(f.get().layer()).as(what + ": " + f.get()).isEqualTo(layer);
        assertThat(f.get().sample()).as(what + ": " + f.get()).isEqualTo(sample);
        if (reason != null) assertThat(f.get().reason()).as(what).contains(reason);
    }

    /**
     * The rounds a job gets are the fewest that keep n·Σ (d/p)^R ≤ 2^-40 (d = 2 per Conv, 1 per Dense), never fewer
     * than 2 (p &lt; 2^40) nor more than {@link TraceVerifier#TYPICAL_ROUNDS} for a model within the limits.
     */
    @Test
    void roundsKeepTheFalseAcceptanceBoundPerJob() {
        IntModel model = RandomModels.model(new SplittableRandom(16));
        TraceVerifier v = new TraceVerifier(model, new SplittableRandom(1));
        for (int batch : new int[] {1, 256, 65_536, TraceVerifier.MAX_BATCH}) {
            int r = v.rounds(batch);
            assertThat(r).isBetween(2, TraceVerifier.TYPICAL_ROUNDS);
            java.math.BigInteger p = java.math.BigInteger.valueOf((1L << 31) - 1);
            java.math.BigInteger sum = java.math.BigInteger.ZERO;
            for (Op op : model.ops()) {
                if (IntModel.linear(op) != null) sum = sum.add(java.math.BigInteger.valueOf(op instanceof Op.Conv ? 2 : 1).pow(r));
            }
            assertThat(sum.multiply(java.math.BigInteger.valueOf(batch)).shiftLeft(40)).isLessThanOrEqualTo(p.pow(r));
            if (r > 2) {
                java.math.BigInteger fewer = java.math.BigInteger.ZERO;
                for (Op op : model.ops()) {
                    if (IntModel.linear(op) != null) fewer = fewer.add(java.math.BigInteger.valueOf(op instanceof Op.Conv ? 2 : 1).pow(r - 1));
                }
                assertThat(fewer.multiply(java.math.BigInteger.valueOf(batch)).shiftLeft(40)).isGreaterThan(p.pow(r - 1));
            }
        }
    }

    /** Split over threads, a job's check finds the same first failure, whichever part of the batch holds it. */
    @Test
    void threadsFindTheSameFirstFailure() {
        SplittableRandom random = new SplittableRandom(17);
        int batch = 7;
        for (int m = 0; m < 4; m++) {
            IntModel model = RandomModels.model(random);
            byte[] input = RandomModels.input(random, model, batch);
            InferenceExecutor x = new InferenceExecutor(model, new JavaGemm(1), 1);
            TraceVerifier one = new TraceVerifier(model, new SplittableRandom(m), 1);
            TraceVerifier three = new TraceVerifier(model, new SplittableRandom(m), 3);
            assertThat(three.verify(input, x.run(input, batch))).isEmpty();
            for (int sample : new int[] {0, 3, batch - 1}) {
                Trace t = x.run(input, batch);
                int layer = random.nextInt(model.ops().size());
                int n = model.shapes().get(layer).size();
                byte[] a = t.layers().get(layer).activations();
                int at = sample * n + random.nextInt(n);
                a[at] = (byte) (a[at] == 127 ? 126 : a[at] + 1);
                int later = (sample + 2) % batch * n + random.nextInt(n); // a second one, in another part
                a[later] = (byte) (a[later] == -128 ? -127 : a[later] - 1);
                Optional<TraceVerifier.Failure> f = three.verify(input, t);
                assertThat(f).isEqualTo(one.verify(input, t));
                assertThat(f.get().sample()).isEqualTo(Math.min(sample, later / n));
            }
        }
    }

    /**
     * The usual 2×2 stride-2 MaxPool (checked on vectors where the JVM has them), over planes narrower and wider
     * than a vector's half: every output of every sample changed in turn is caught in the pool's layer.
     */
    @Test
    void catchesEveryWrongOutputOfAStrideTwoPool() {
        SplittableRandom random = new SplittableRandom(18);
        for (int[] hw : new int[][] {{6, 10}, {4, 2}, {8, 64}}) {
            Shape in = new Shape(2, hw[0], hw[1]);
            IntLinear conv = RandomModels.linear(random, 3, 2 * 9, 0);
            Window same = new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
            Op.MaxPool pool = new Op.MaxPool("pool", new Window(2, 2, 2, 2, 0, 0, 0, 0, 1, 1));
            int pooled = 3 * hw[0] * hw[1] / 4;
            IntModel model = new IntModel(in, 0.1f, 0, java.util.List.of(new Op.Conv("conv", conv, same), pool,
                    new Op.Flatten("flatten"), new Op.Dense("fc", RandomModels.linear(random, 4, pooled,
                    conv.outputZeroPoint()))), 0.1f, 0);
            byte[] input = RandomModels.input(random, model, 2);
            InferenceExecutor x = new InferenceExecutor(model, new JavaGemm(1), 1);
            TraceVerifier verifier = new TraceVerifier(model, new SplittableRandom(1));
            Trace t = x.run(input, 2);
            assertThat(verifier.verify(input, t)).isEmpty();
            byte[] acts = t.layers().get(1).activations();
            for (int at = 0; at < acts.length; at++) {
                byte was = acts[at];
                acts[at] = (byte) (was == 127 ? 126 : was + 1);
                assertCaught(verifier.verify(input, t), 1, at / pooled, "MaxPool", "entry " + at + " of " + in);
                acts[at] = was;
            }
        }
    }

    @Test
    void refusesATraceOfAnotherShape() {
        IntModel model = RandomModels.model(new SplittableRandom(14));
        byte[] input = RandomModels.input(new SplittableRandom(1), model, 2);
        Trace trace = new InferenceExecutor(model, new JavaGemm(1), 1).run(input, 2);
        Trace shorter = new Trace(2, trace.layers().subList(0, trace.layers().size() - 1));
        assertThat(new TraceVerifier(model, new SplittableRandom(1)).verify(input, shorter)).isPresent();
    }
}
