package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The executor against the plain reference, on every GEMM backend here, on random models with odd shapes. */
class InferExecutorTest {
    static Stream<GemmBackend> backends() {
        List<GemmBackend> all = new ArrayList<>(List.of(new JavaGemm(1)));
        if (OneDnnGemm.isAvailable()) all.add(new OneDnnGemm(1));
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void matchesTheReferenceBitForBit(GemmBackend backend) {
        SplittableRandom random = new SplittableRandom(1);
        for (int m = 0; m < 40; m++) {
            IntModel model = RandomModels.model(random);
            int batch = random.nextInt(1, 5);
            byte[] input = RandomModels.input(random, model, batch);
            Trace trace = new InferenceExecutor(model, backend, 1 + m % 3).run(input, batch);
            for (int s = 0; s < batch; s++) {
                byte[] sample = java.util.Arrays.copyOfRange(input, s * model.input().size(), (s + 1) * model.input().size());
                List<ReferenceInference.Layer> expected = ReferenceInference.run(model, sample);
                for (int i = 0; i < expected.size(); i++) {
                    Trace.Layer got = trace.layers().get(i);
                    String what = "model " + m + " layer " + i + " (" + model.ops().get(i).node() + ") sample " + s;
                    assertThat(toInts(got.activationRow(s))).as(what).isEqualTo(expected.get(i).activations());
                    if (expected.get(i).accumulators() != null) {
                        assertThat(toLongs(got.accumulatorRow(s))).as(what).isEqualTo(expected.get(i).accumulators());
                    }
                }
            }
        }
    }

    /**
     * A trace handed back is written again by the next run of the same batch size, entry for entry: nothing of the
     * previous input survives (random models cover Conv, Dense, MaxPool and Flatten), and another size, another
     * model's trace or no spare at all means fresh arrays.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void aRecycledTraceIsWrittenAgainWhole(GemmBackend backend) {
        SplittableRandom random = new SplittableRandom(7);
        for (int m = 0; m < 20; m++) {
            IntModel model = RandomModels.model(random);
            int batch = random.nextInt(1, 5);
            InferenceExecutor x = new InferenceExecutor(model, backend, 1 + m % 3);
            Trace first = x.run(RandomModels.input(random, model, batch), batch);
            x.recycle(first);
            byte[] input = RandomModels.input(random, model, batch);
            Trace again = x.run(input, batch);
            assertThat(again.layers().getFirst().activations()).as("the spare's arrays are reused")
                    .isSameAs(first.layers().getFirst().activations());
            Trace fresh = new InferenceExecutor(model, backend, 1).run(input, batch);
            for (int i = 0; i < fresh.layers().size(); i++) {
                Trace.Layer want = fresh.layers().get(i), got = again.layers().get(i);
                assertThat(got.activations()).as("model %d layer %d", m, i).isEqualTo(want.activations());
                assertThat(got.accumulators()).as("model %d layer %d", m, i).isEqualTo(want.accumulators());
            }
            x.recycle(again);
            assertThat(x.run(RandomModels.input(random, model, batch + 1), batch + 1).layers().getFirst().activations())
                    .as("a spare of another batch size is not used").isNotSameAs(again.layers().getFirst().activations());
            assertThat(x.run(input, batch).layers().getFirst().activations()).as("the spare was dropped, not kept")
                    .isNotSameAs(again.layers().getFirst().activations());
            IntModel other = RandomModels.model(random);
            Trace foreign = new InferenceExecutor(other, backend, 1).run(RandomModels.input(random, other, 1), 1);
            if (!other.shapes().equals(model.shapes())) {
                assertThatThrownBy(() -> x.recycle(foreign)).hasMessageContaining("not a trace of this model");
            }
        }
    }

    /**
     * A convolution large enough that {@link InferenceExecutor#CONV_BLOCK_BYTES} holds 3 samples' patches: a batch of
     * 7 runs as tiles of 3 and 4 samples (6 fit {@link InferenceExecutor#TILE_BYTES}), the second as blocks of 3 and
     * 1, each block one GEMM, equal to the reference.
     */
    @Test
    void convolutionBlocksOfSeveralSamplesMatchTheReference() {
        SplittableRandom random = new SplittableRandom(5);
        Window w = new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Shape in = new Shape(4, 48, 48);
        assertThat(InferenceExecutor.CONV_BLOCK_BYTES / (36L * 48 * 48)).isEqualTo(3);
        IntLinear conv = RandomModels.linear(random, 3, 36, -128);
        Op.Conv c = new Op.Conv("conv", conv, w);
        IntLinear fc = RandomModels.linear(random, 5, 3 * 48 * 48, conv.outputZeroPoint());
        IntModel model = new IntModel(in, 0.1f, 0, List.of(c, new Op.Flatten("flatten"), new Op.Dense("fc", fc)), 0.1f,
                fc.outputZeroPoint());
        int batch = 7;
        byte[] input = RandomModels.input(random, model, batch);
        backends().forEach(backend -> {
            for (int threads = 1; threads <= 2; threads++) {
                Trace trace = new InferenceExecutor(model, backend, threads).run(input, batch);
                for (int s = 0; s < batch; s++) {
                    byte[] sample = java.util.Arrays.copyOfRange(input, s * in.size(), (s + 1) * in.size());
                    ReferenceInference.Layer expected = ReferenceInference.run(model, sample).getFirst();
                    String what = backend.name() + ", " + threads + " threads, sample " + s;
                    assertThat(toLongs(trace.layers().getFirst().accumulatorRow(s))).as(what)
                            .isEqualTo(expected.accumulators());
                    assertThat(toInts(trace.layers().getFirst().activationRow(s))).as(what)
                            .isEqualTo(expected.activations());
                }
            }
        });
    }

    /**
     * A deep Dense layer fits 64 samples in a tile, so a batch of 200 runs as 4 tiles and one of 57 as one per thread,
     * taken by 1 to 3 threads; the same executor runs both, so the second reads workspaces the first left full of other values.
     */
    @Test
    void tilesOnSeveralThreadsWithReusedWorkspacesMatchTheReference() {
        SplittableRandom random = new SplittableRandom(11);
        IntLinear deep = RandomModels.linear(random, 40, 16_000, -3);
        IntLinear fc = RandomModels.linear(random, 7, 40, deep.outputZeroPoint());
        IntModel model = new IntModel(new Shape(16_000, 1, 1), 0.1f, -3,
                List.of(new Op.Dense("deep", deep), new Op.Dense("fc", fc)), 0.1f, fc.outputZeroPoint());
        assertThat(InferenceExecutor.TILE_BYTES / (16_000 + 9 * 40)).isEqualTo(64);
        backends().forEach(backend -> {
            for (int threads = 1; threads <= 3; threads++) {
                InferenceExecutor executor = new InferenceExecutor(model, backend, threads);
                for (int batch : new int[] {200, 57}) {
                    byte[] input = RandomModels.input(random, model, batch);
                    Trace trace = executor.run(input, batch);
                    for (int s = 0; s < batch; s++) {
                        byte[] sample = java.util.Arrays.copyOfRange(input, s * 16_000, (s + 1) * 16_000);
                        List<ReferenceInference.Layer> expected = ReferenceInference.run(model, sample);
                        for (int i = 0; i < 2; i++) {
                            String what = backend.name() + ", " + threads + " threads, batch " + batch + ", sample " + s;
                            assertThat(toLongs(trace.layers().get(i).accumulatorRow(s))).as(what)
                                    .isEqualTo(expected.get(i).accumulators());
                            assertThat(toInts(trace.layers().get(i).activationRow(s))).as(what)
                                    .isEqualTo(expected.get(i).activations());
                        }
                    }
                }
            }
        });
    }

    /** Extreme operands: all −128 weights and inputs with the largest depth and bias stay exact in int32. */
    @Test
    void isExactAtTheAccumulatorBounds() {
        int depth = IntLinear.MAX_DEPTH;
        byte[] w = new byte[2 * depth];
        java.util.Arrays.fill(w, (byte) -128);
        IntLinear l = new IntLinear(2, depth, w, new int[] {127, -128}, new int[] {IntLinear.MAX_BIAS, -IntLinear.MAX_BIAS},
                new Requant[] {Requant.of(0x1p-25), Requant.of(0x1p-25)}, 127, 0, false);
        IntModel model = new IntModel(Shape.vector(depth), 1f, 0, List.of(new Op.Dense("fc", l)), 1f, 0);
        byte[] input = new byte[depth];
        java.util.Arrays.fill(input, (byte) -128);
        backends().forEach(backend -> {
            Trace trace = new InferenceExecutor(model, backend, 1).run(input, 1);
            assertThat(toLongs(trace.layers().getFirst().accumulatorRow(0)))
                    .isEqualTo(ReferenceInference.run(model, input).getFirst().accumulators());
        });
    }

    @Test
    void refusesAnInputOfTheWrongSize() {
        IntModel model = RandomModels.model(new SplittableRandom(3));
        assertThatThrownBy(() -> new InferenceExecutor(model, new JavaGemm(1), 1).run(new byte[model.input().size() + 1], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samples of");
    }

    static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i];
        return out;
    }

    static long[] toLongs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
