package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
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
        for (int i = 0; i < 600; i++) {
            IntModel m = randomLayer(random);
            if (m == null) continue;
            LayerHeader h = LayerHeader.decode(ModelTree.header(m, 0));
            int[] counts = new int[h.out().size()];
            boolean conv = h.kind() == LayerHeader.CONV;
            int entries = conv ? h.out().plane() : h.out().size(); // a Conv entry's patch depends on its position only
            for (int e = 0; e < entries; e++) {
                TreeSet<Integer> read = chunksOf(reads(h, e));
                counts[e] = read.size();
                if (read.size() <= Disputability.MAX_INPUT_CHUNKS) {
                    int[] expected = read.stream().mapToInt(Integer::intValue).toArray();
                    assertThat(Disputability.inputChunks(h, e)).as("%s entry %d", h, e).containsExactly(expected);
                    int[] verifier = conv ? Arrays.stream(EntryInputs.conv(h, e)).filter(x -> x >= 0).toArray()
                            : EntryInputs.pool(h, e);
                    assertThat(chunksOf(verifier)).isEqualTo(read);
                } else {
                    int e0 = e;
                    assertThatThrownBy(() -> Disputability.inputChunks(h, e0)).as("%s entry %d", h, e)
                            .hasMessageContaining("reads " + read.size() + " chunks of its input row; a proof carries"
                                    + " at most 6, so this entry cannot be disputed in one transaction");
                }
            }
            int first = firstOver(counts, entries);
            if (first < 0) {
                int max = Arrays.stream(counts, 0, entries).max().orElseThrow();
                int worst = 0;
                while (counts[worst] != max) worst++;
                assertThat(Disputability.check(m)[0]).isEqualTo(new Disputability.Worst(0, worst, max));
                if (max == Disputability.MAX_INPUT_CHUNKS) atBound++;
            } else {
                over++;
                assertThatThrownBy(() -> Disputability.check(m)).isInstanceOf(OnnxException.class)
                        .hasMessageContaining("entry " + first + " (output channel")
                        .hasMessageContaining("reads " + counts[first] + " chunks of 4096 bytes");
            }
        }
        assertThat(over).as("layers over the bound").isGreaterThan(20);
        assertThat(atBound).as("layers at the bound").isGreaterThan(15);
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
    private static List<Integer> reads(LayerHeader h, int entry) {
        Window w = h.window();
        boolean conv = h.kind() == LayerHeader.CONV;
        int q = entry % h.out().plane();
        int oy = q / h.out().width();
        int ox = q % h.out().width();
        List<Integer> at = new ArrayList<>();
        int c0 = conv ? 0 : entry / h.out().plane();
        int c1 = conv ? h.in().channels() : c0 + 1;
        for (int c = c0; c < c1; c++) {
            for (int ki = 0; ki < w.kernelH(); ki++) {
                for (int kj = 0; kj < w.kernelW(); kj++) {
                    int iy = oy * w.strideH() - w.padTop() + ki * (conv ? w.dilationH() : 1);
                    int ix = ox * w.strideW() - w.padLeft() + kj * (conv ? w.dilationW() : 1);
                    if (iy >= 0 && iy < h.in().height() && ix >= 0 && ix < h.in().width()) {
                        at.add((c * h.in().height() + iy) * h.in().width() + ix);
                    }
                }
            }
        }
        return at;
    }

    private static TreeSet<Integer> chunksOf(List<Integer> values) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int v : values) s.add(v / TraceCommitment.CHUNK_BYTES);
        return s;
    }

    private static TreeSet<Integer> chunksOf(int[] values) {
        return chunksOf(Arrays.stream(values).boxed().toList());
    }

    /**
     * One Conv or MaxPool layer of a random geometry from a few families: small planes (many channels per chunk),
     * planes of about a chunk, and rows of about a chunk (each kernel row its own chunk); or null if it does not fit.
     */
    private static IntModel randomLayer(SplittableRandom r) {
        Shape in = switch (r.nextInt(3)) {
            case 0 -> new Shape(r.nextInt(1, 40), r.nextInt(1, 20), r.nextInt(1, 20));
            case 1 -> new Shape(r.nextInt(1, 10), r.nextInt(40, 90), r.nextInt(40, 90));
            default -> new Shape(r.nextInt(1, 3), r.nextInt(1, 12), r.nextInt(1300, 4300));
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
            IntModel m = pool ? new IntModel(in, 1f, 0, List.of(new Op.MaxPool("pool", w)), 1f, 0)
                    : conv(in, w);
            return m.output().size() <= 20_000 && (long) m.output().plane() * in.channels() * kh * kw <= 100_000 ? m : null;
        } catch (OnnxException e) {
            return null; // the window does not fit the input, or the patch is too deep
        }
    }

    private static IntModel conv(Shape in, Window w) {
        int depth = in.channels() * w.kernelH() * w.kernelW();
        IntLinear l = new IntLinear(1, depth, new byte[depth], new int[1], new int[1],
                new Requant[] {Requant.of(0.001)}, 0, 0, false);
        return new IntModel(in, 1f, 0, List.of(new Op.Conv("conv", l, w)), 1f, 0);
    }
}
