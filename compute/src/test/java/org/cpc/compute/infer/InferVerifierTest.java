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

    @Test
    void refusesATraceOfAnotherShape() {
        IntModel model = RandomModels.model(new SplittableRandom(14));
        byte[] input = RandomModels.input(new SplittableRandom(1), model, 2);
        Trace trace = new InferenceExecutor(model, new JavaGemm(1), 1).run(input, 2);
        Trace shorter = new Trace(2, trace.layers().subList(0, trace.layers().size() - 1));
        assertThat(new TraceVerifier(model, new SplittableRandom(1)).verify(input, shorter)).isPresent();
    }
}
