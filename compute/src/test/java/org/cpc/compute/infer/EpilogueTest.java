package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The unpacked epilogue (and its Vector API loops, which the tests' JVM has) against {@link IntLinear#output}, value
 * for value: a Dense row over every channel, one channel over a run of positions, one position per channel.
 */
class EpilogueTest {
    /**
     * Multipliers within a factor of ten share the layer's largest shift; multipliers 2^26 apart on a deep layer
     * would need a product beyond a long at a shared shift, so each channel keeps its own. Both give the same outputs.
     */
    @ParameterizedTest
    @CsvSource({"3, 37, 50, 1e-3, 1e-2, true", "4, 9, 3000, 1e-9, 1e-1, false"})
    void matchesTheRecordsRule(long seed, int outputs, int depth, double low, double high, boolean shared) {
        SplittableRandom random = new SplittableRandom(seed);
        IntLinear l = layer(random, outputs, depth, low, high);
        Epilogue e = Epilogue.of(l);
        assertThat(e.sharedShift() != 0).isEqualTo(shared);
        assertMatches(random, l, e);
    }

    /**
     * Random accumulators up to the largest this layer can produce (|x|, |w| ≤ 128 with zero zero points, |bias| &lt;
     * 1000), through row and channel, against the record's rule.
     */
    private static void assertMatches(SplittableRandom random, IntLinear l, Epilogue e) {
        int outputs = l.outputs();
        for (int trial = 0; trial < 200; trial++) {
            int[] products = new int[outputs];
            int limit = trial % 2 == 0 ? l.depth() * 128 * 128 + 1000 : 1 << 12;
            for (int o = 0; o < outputs; o++) products[o] = random.nextInt(-limit, limit + 1) - e.base()[o];
            int[] accs = new int[outputs];
            byte[] acts = new byte[outputs];
            // Native, as the executor's workspace hands them over.
            MemorySegment segment = Arena.ofAuto().allocate(4L * outputs).copyFrom(MemorySegment.ofArray(products));
            e.row(segment, 0, 0, accs, acts, 0);
            int[] channelAccs = new int[outputs];
            byte[] channelActs = new byte[outputs];
            for (int o = 0; o < outputs; o++) e.channel(o, segment, o, null, 0, channelAccs, channelActs, o, 1);
            int c = trial % outputs;
            int[] runAccs = new int[outputs];
            byte[] runActs = new byte[outputs];
            e.channel(c, segment, 0, null, 0, runAccs, runActs, 0, outputs);
            for (int q = 0; q < outputs; q++) {
                int acc = products[q] + e.base()[c];
                assertThat(runAccs[q]).isEqualTo(acc);
                assertThat(runActs[q]).as("channel %d acc %d", c, acc).isEqualTo(l.output(c, acc));
            }
            for (int o = 0; o < outputs; o++) {
                int acc = products[o] + e.base()[o];
                assertThat(accs[o]).isEqualTo(acc);
                assertThat(acts[o]).as("channel %d acc %d", o, acc).isEqualTo(l.output(o, acc));
                assertThat(channelAccs[o]).isEqualTo(acc);
                assertThat(channelActs[o]).isEqualTo(l.output(o, acc));
            }
        }
    }

    /** Symmetric weights, zero input zero point; real multipliers drawn log-uniformly from [low, high). */
    private static IntLinear layer(SplittableRandom random, int outputs, int depth, double low, double high) {
        byte[] weights = new byte[outputs * depth];
        random.nextBytes(weights);
        int[] bias = new int[outputs];
        Requant[] requant = new Requant[outputs];
        for (int o = 0; o < outputs; o++) {
            bias[o] = random.nextInt(-1000, 1000);
            requant[o] = Requant.of(Math.exp(random.nextDouble(Math.log(low), Math.log(high))));
        }
        requant[0] = Requant.of(low);
        requant[outputs - 1] = Requant.of(high);
        return new IntLinear(outputs, depth, weights, new int[outputs], bias, requant, 0, -5, true);
    }
}
