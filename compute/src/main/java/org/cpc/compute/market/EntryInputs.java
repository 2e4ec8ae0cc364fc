package org.cpc.compute.market;

import org.cpc.compute.infer.LayerHeader;
import org.cpc.compute.infer.Window;

/**
 * Which values of a layer's input row one output entry reads (docs/protocol.md, "Trace commitments and fraud proofs
 * (inference)"): the fraud proof's verifier reads them. The builder carries the chunks that
 * {@link org.cpc.compute.infer.Disputability#inputChunks} names, which are exactly these values' chunks
 * ({@code DisputabilityTest} holds the two equal). Indices are into the sample's input row, channel-major
 * (c·H·W + y·W + x).
 */
final class EntryInputs {
    /** Most values a MaxPool window may read in a proof: what its carried chunks can hold. */
    static final int MAX_CELLS = InferenceFraudProof.MAX_INPUT_CHUNKS * TraceCommitment.CHUNK_BYTES;

    private EntryInputs() {}

    /**
     * Conv: for each patch position t (channel, kernel row, kernel column order, as the unit's weights), the input
     * index it reads, or −1 where the window lies on padding (which counts as the zero point, i.e. adds 0).
     */
    static int[] conv(LayerHeader h, int entry) {
        Window w = h.window();
        if ((long) h.in().channels() * w.kernelH() * w.kernelW() != h.depth()) {
            throw new IllegalArgumentException("layer_header's Conv depth is not channels × kernel");
        }
        int q = entry % h.out().plane();
        int oy = q / h.out().width();
        int ox = q % h.out().width();
        int[] at = new int[h.depth()];
        int t = 0;
        for (int c = 0; c < h.in().channels(); c++) {
            for (int ki = 0; ki < w.kernelH(); ki++) {
                int iy = oy * w.strideH() - w.padTop() + ki * w.dilationH();
                for (int kj = 0; kj < w.kernelW(); kj++) {
                    int ix = ox * w.strideW() - w.padLeft() + kj * w.dilationW();
                    boolean inside = iy >= 0 && iy < h.in().height() && ix >= 0 && ix < h.in().width();
                    at[t++] = inside ? (c * h.in().height() + iy) * h.in().width() + ix : -1;
                }
            }
        }
        return at;
    }

    /** MaxPool: the input indices inside entry's window (padding never wins, so it is not read). */
    static int[] pool(LayerHeader h, int entry) {
        Window w = h.window();
        int c = entry / h.out().plane();
        int q = entry % h.out().plane();
        int y0 = q / h.out().width() * w.strideH() - w.padTop();
        int x0 = q % h.out().width() * w.strideW() - w.padLeft();
        int y1 = Math.min(h.in().height(), y0 + w.kernelH());
        int x1 = Math.min(h.in().width(), x0 + w.kernelW());
        y0 = Math.max(0, y0);
        x0 = Math.max(0, x0);
        long cells = (long) Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
        if (cells > MAX_CELLS) {
            throw new IllegalArgumentException("the MaxPool window reads " + cells + " values; a proof carries at most "
                    + MAX_CELLS);
        }
        int[] at = new int[(int) cells];
        int i = 0;
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) at[i++] = (c * h.in().height() + iy) * h.in().width() + ix;
        }
        return at;
    }
}
