package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.cpc.compute.infer.Disputability;
import org.cpc.compute.infer.IntLinear;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.LayerHeader;
import org.cpc.compute.infer.ModelTree;
import org.cpc.compute.infer.OnnxException;
import org.cpc.compute.infer.Op;
import org.cpc.compute.infer.Requant;
import org.cpc.compute.infer.Shape;
import org.cpc.compute.infer.Window;
import org.junit.jupiter.api.Test;

/**
 * {@link Disputability}, the one rule for which entries one fraud proof can dispute, against a plain enumeration of
 * the values an entry reads (the protocol's text) and against {@link EntryInputs}, what the verifier reads: on random
 * Conv and MaxPool geometries, including rows and planes wider than a chunk, dilations, strides and padding, the
 * builder's chunks are exactly the chunks of the values read, and the import check's worst entry is the exact
 * maximum, or the first entry over the bound with its exact count.
 */
class DisputabilityTest {
    @Test
    void theChunkIsTheTraceCommitmentsAndTheBoundTheProofsFormat() {
        assertThat(Disputability.CHUNK_BYTES).isEqualTo(TraceCommitment.CHUNK_BYTES);
        assertThat(InferenceFraudProof.MAX_INPUT_CHUNKS).isEqualTo(Disputability.MAX_INPUT_CHUNKS);
    }

    @Test
    void agreesWithAnEnumerationOfTheValuesEveryEntryReads() {
        SplittableRandom random = new SplittableRandom(18);
        int over = 0;
        int atBound = 0;
        for (int i = 0; i < 500; i++) {
            IntModel m = randomLayer(random);
            if (m == null) continue;
            if (agrees(m)) over++;
            else if (Disputability.check(m)[0].chunks() == Disputability.MAX_INPUT_CHUNKS) atBound++;
        }
        assertThat(over).as("layers over the bound").isGreaterThan(10);
        assertThat(atBound).as("layers at the bound").isGreaterThan(10);
    }

    /**
     * Layers whose scan skips entries that repeat an earlier one's count: rows of 64 values (an output row's offset
     * within a chunk repeats every 64 input rows) and rows of 5000 (more inside columns than a stride's period).
     */
    @Test
    void skipsOnlyEntriesThatRepeatAnEarlierCount() {
        assertThat(agrees(pool(new Shape(3, 150, 64), new Window(5, 2, 1, 1, 1, 0, 0, 1, 1, 1)))).isFalse();
        assertThat(agrees(pool(new Shape(2, 6, 5000), new Window(6, 1, 1, 1, 0, 0, 0, 0, 1, 1)))).isFalse();
        assertThat(agrees(pool(new Shape(1, 7, 5000), new Window(5, 3, 1, 2, 0, 1, 0, 1, 1, 1)))).isFalse();
        assertThat(agrees(pool(new Shape(1, 9, 5000), new Window(7, 1, 1, 1, 0, 0, 0, 0, 1, 1)))).isTrue();
        assertThat(agrees(conv(new Shape(2, 140, 64), new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1)))).isFalse();
        assertThat(agrees(conv(new Shape(1, 3, 4500), new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 2)))).isFalse();
    }

    /**
     * Checks every entry of the one-layer model against the enumeration: the builder's chunks (or its refusal with
     * the exact count) and the verifier's values; and the import check's worst entry, or its refusal naming the
     * first entry over the bound. Returns whether the layer is over the bound.
     */
    private static boolean agrees(IntModel m) {
        LayerHeader h = LayerHeader.decode(ModelTree.header(m, 0));
        int[] counts = new int[h.out().size()];
        boolean conv = h.kind() == LayerHeader.CONV;
        int entries = conv ? h.out().plane() : h.out().size(); // a Conv entry's patch depends on its position only
        for (int e = 0; e < entries; e++) {
            int[] read = chunksOf(reads(h, e));
            counts[e] = read.length;
            if (read.length <= Disputability.MAX_INPUT_CHUNKS) {
                int[] verifier = conv ? Arrays.stream(EntryInputs.conv(h, e)).filter(x -> x >= 0).toArray()
                        : EntryInputs.pool(h, e);
                if (!Arrays.equals(Disputability.inputChunks(h, e), read) || !Arrays.equals(chunksOf(verifier), read)) {
                    throw new AssertionError(h + " entry " + e + ": the enumeration reads chunks " + Arrays.toString(read)
                            + ", the builder " + Arrays.toString(Disputability.inputChunks(h, e)) + ", the verifier "
                            + Arrays.toString(chunksOf(verifier)));
                }
            } else {
                int e0 = e;
                assertThatThrownBy(() -> Disputability.inputChunks(h, e0)).as("%s entry %d", h, e)
                        .hasMessageContaining("reads " + read.length + " chunks of its input row; a proof carries"
                                + " at most 6, so this entry cannot be disputed in one transaction");
            }
        }
        int first = firstOver(counts, entries);
        if (first >= 0) {
            assertThatThrownBy(() -> Disputability.check(m)).as("%s", h).isInstanceOf(OnnxException.class)
                    .hasMessageContaining("entry " + first + " (output channel")
                    .hasMessageContaining("reads " + counts[first] + " chunks of 4096 bytes");
            return true;
        }
        int max = Arrays.stream(counts, 0, entries).max().orElseThrow();
        int worst = 0;
        while (counts[worst] != max) worst++;
        assertThat(Disputability.check(m)[0]).as("%s", h).isEqualTo(new Disputability.Worst(0, worst, max));
        return false;
    }

    private static int firstOver(int[] counts, int entries) {
        for (int e = 0; e < entries; e++) if (counts[e] > Disputability.MAX_INPUT_CHUNKS) return e;
        return -1;
    }

    /** A Conv entry whose patch lies wholly on padding reads nothing; its proof still opens one chunk (the builder). */
    @Test
    void aPatchWhollyOnPaddingReadsNoChunk() {
        IntModel m = conv(new Shape(2, 3, 3), new Window(1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        LayerHeader h = LayerHeader.decode(ModelTree.header(m, 0));
        assertThat(Disputability.inputChunks(h, 0)).isEmpty();
        assertThat(Disputability.inputChunks(h, 6)).containsExactly(0);
        assertThat(Disputability.check(m)[0].chunks()).isEqualTo(1);
    }

    /** Every value index one entry reads, straight from the protocol's text. */
    private static int[] reads(LayerHeader h, int entry) {
        Window w = h.window();
        boolean conv = h.kind() == LayerHeader.CONV;
        int q = entry % h.out().plane();
        int oy = q / h.out().width();
        int ox = q % h.out().width();
        int[] at = new int[h.window().kernelH() * h.window().kernelW() * (conv ? h.in().channels() : 1)];
        int n = 0;
        int c0 = conv ? 0 : entry / h.out().plane();
        int c1 = conv ? h.in().channels() : c0 + 1;
        for (int c = c0; c < c1; c++) {
            for (int ki = 0; ki < w.kernelH(); ki++) {
                for (int kj = 0; kj < w.kernelW(); kj++) {
                    int iy = oy * w.strideH() - w.padTop() + ki * (conv ? w.dilationH() : 1);
                    int ix = ox * w.strideW() - w.padLeft() + kj * (conv ? w.dilationW() : 1);
                    if (iy >= 0 && iy < h.in().height() && ix >= 0 && ix < h.in().width()) {
                        at[n++] = (c * h.in().height() + iy) * h.in().width() + ix;
                    }
                }
            }
        }
        return Arrays.copyOf(at, n);
    }

    /** The distinct chunks of the values, ascending. */
    private static int[] chunksOf(int[] values) {
        return Arrays.stream(values).map(v -> v / TraceCommitment.CHUNK_BYTES).sorted().distinct().toArray();
    }

    /**
     * One Conv or MaxPool layer of a random geometry from a few families: small planes (many channels per chunk),
     * planes of about a chunk, rows of 64 (so that rows repeat their offset within a chunk, which the scan skips), and
     * rows of about a chunk (each kernel row its own chunk; more columns than a stride's period, which the scan
     * skips too); or null if it does not fit.
     */
    private static IntModel randomLayer(SplittableRandom r) {
        Shape in = switch (r.nextInt(4)) {
            case 0 -> new Shape(r.nextInt(1, 40), r.nextInt(1, 20), r.nextInt(1, 20));
            case 1 -> new Shape(r.nextInt(1, 10), r.nextInt(40, 90), r.nextInt(40, 90));
            case 2 -> new Shape(r.nextInt(1, 4), r.nextInt(60, 150), 64); // rows whose offsets in a chunk repeat
            default -> new Shape(r.nextInt(1, 3), r.nextInt(1, 12), r.nextInt(1300, 8300)); // rows of about a chunk
        };
        boolean pool = r.nextBoolean();
        int kh = r.nextInt(1, pool ? 9 : 5);
        int kw = r.nextInt(1, pool ? 4 : 5);
        int dh = pool ? 1 : r.nextInt(1, 3);
        int dw = pool ? 1 : r.nextInt(1, 3);
        int pad = pool ? Math.min(kh, kw) : 3;
        Window w = new Window(kh, kw, r.nextInt(1, 4), r.nextInt(1, 4), r.nextInt(pad), r.nextInt(pad),
                r.nextInt(pad), r.nextInt(pad), dh, dw);
        try {
            IntModel m = pool ? pool(in, w) : conv(in, w);
            return m.output().size() <= 30_000 && (long) m.output().plane() * in.channels() * kh * kw <= 100_000 ? m : null;
        } catch (OnnxException e) {
            return null; // the window does not fit the input, or the patch is too deep
        }
    }

    private static IntModel pool(Shape in, Window w) {
        return new IntModel(in, 1f, 0, List.of(new Op.MaxPool("pool", w)), 1f, 0);
    }

    private static IntModel conv(Shape in, Window w) {
        int depth = in.channels() * w.kernelH() * w.kernelW();
        IntLinear l = new IntLinear(1, depth, new byte[depth], new int[1], new int[1],
                new Requant[] {Requant.of(0.001)}, 0, 0, false);
        return new IntModel(in, 1f, 0, List.of(new Op.Conv("conv", l, w)), 1f, 0);
    }
}
