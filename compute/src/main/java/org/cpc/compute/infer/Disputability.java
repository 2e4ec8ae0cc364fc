package org.cpc.compute.infer;

import java.util.Arrays;

/**
 * The one rule that says whether an entry of a layer can be disputed in one FRAUD_PROOF transaction
 * (docs/protocol.md, "Which entries are disputable"): a proof carries at most {@link #MAX_INPUT_CHUNKS} chunks of
 * {@link #CHUNK_BYTES} bytes of the layer's input row, so an entry whose in-bounds patch (Conv), window (MaxPool) or
 * row (Dense) touches more chunks than that cannot be proven wrong. The importer refuses a model with such an entry
 * ({@link #check}, from {@link IntModel#checkLimits}), and the fraud-proof builder asks {@link #inputChunks} which
 * chunks to carry, so the two can never disagree.
 *
 * <p>Exact integer arithmetic on the layer's geometry; no value is read. An entry's in-bounds patch is, per input
 * channel and kernel row inside the input, one run of a row's values whose neighbours are at most a dilation (≤
 * 1024) apart, so the run touches every chunk from its first value's to its last's; the runs come in ascending
 * order, and where consecutive runs start at most a chunk apart their chunks join up too. Counting stops once the
 * count passes the limit, and every run that does not join up adds a chunk, so one entry costs O(limit) steps and a
 * layer O(limit) per output position (MaxPool: per output position of at most 4096 distinct channel alignments).
 */
public final class Disputability {
    /** The trace commitment's chunk ({@code TraceCommitment.CHUNK_BYTES}; a test holds them equal). */
    public static final int CHUNK_BYTES = 4096;
    /** Chunks of a layer's input row one proof carries; its largest form fits max_tx_bytes (128 KiB). */
    public static final int MAX_INPUT_CHUNKS = 6;

    private Disputability() {}

    /**
     * The worst entry of one layer: {@code chunks} input chunks read by output {@code entry}, the most of any entry
     * of the layer (the first such entry in output order).
     */
    public record Worst(int layer, int entry, int chunks) {}

    /**
     * The worst entry of each layer of the model, in model order; throws an {@link OnnxException} naming the ONNX
     * node and op of the first entry that reads more than {@link #MAX_INPUT_CHUNKS} chunks of its input row.
     */
    public static Worst[] check(IntModel model) {
        Worst[] worst = new Worst[model.ops().size()];
        for (int i = 0; i < worst.length; i++) {
            LayerHeader h = LayerHeader.of(model, i);
            worst[i] = worst(h);
            if (worst[i].chunks() > MAX_INPUT_CHUNKS) {
                Op op = model.ops().get(i);
                throw new OnnxException(op.node() + " (layer " + i + ", " + h.kindName() + "): "
                        + describe(h, worst[i].entry()) + " reads " + worst[i].chunks() + " chunks of " + CHUNK_BYTES
                        + " bytes of its input row " + h.in() + ", more than the " + MAX_INPUT_CHUNKS
                        + " one fraud proof carries, so that entry could not be disputed on L1; every entry of a model"
                        + " must be (docs/protocol.md, \"Which entries are disputable\"): give the layer "
                        + (h.kind() == LayerHeader.CONV ? "fewer input channels" : "a smaller window")
                        + " or a smaller input per channel");
            }
        }
        return worst;
    }

    /**
     * The layer's worst entry. A layer with an entry over {@link #MAX_INPUT_CHUNKS} gives the first such entry in
     * output order, counted exactly; otherwise the exact maximum.
     */
    static Worst worst(LayerHeader h) {
        return h.window() == null ? new Worst(h.index(), 0, chunks(h, 0, Integer.MAX_VALUE, null)) : windowed(h);
    }

    private static Worst windowed(LayerHeader h) {
        // MaxPool: an entry reads one channel, and channels whose planes start at the same offset within a chunk
        // read the same number of chunks; Conv: every entry of a position reads all channels, so channel 0 stands
        // for the position.
        int channels = h.kind() == LayerHeader.CONV ? 1
                : (int) Math.min(h.out().channels(), CHUNK_BYTES / gcd(h.in().plane() % CHUNK_BYTES, CHUNK_BYTES));
        int plane = h.out().plane();
        Worst worst = new Worst(h.index(), 0, -1);
        for (int c = 0; c < channels; c++) {
            for (int q = 0; q < plane; q++) {
                int entry = c * plane + q;
                int n = chunks(h, entry, MAX_INPUT_CHUNKS, null);
                if (n > MAX_INPUT_CHUNKS) return new Worst(h.index(), entry, chunks(h, entry, Integer.MAX_VALUE, null));
                if (n > worst.chunks()) worst = new Worst(h.index(), entry, n);
            }
        }
        return worst;
    }

    /**
     * The chunks of its input row that output {@code entry} of the layer reads, ascending (Dense: all of them; a
     * Conv patch wholly on padding: none); or an {@link IllegalArgumentException} when there are more than
     * {@link #MAX_INPUT_CHUNKS}, saying that the entry cannot be disputed in one transaction.
     */
    public static int[] inputChunks(LayerHeader h, int entry) {
        int[] chunks = new int[MAX_INPUT_CHUNKS];
        int n = chunks(h, entry, MAX_INPUT_CHUNKS, chunks);
        if (n > MAX_INPUT_CHUNKS) {
            throw new IllegalArgumentException(describe(h, entry) + " of layer " + h.index() + " (" + h.kindName()
                    + ") reads " + chunks(h, entry, Integer.MAX_VALUE, null) + " chunks of its input row; a proof"
                    + " carries at most " + MAX_INPUT_CHUNKS + ", so this entry cannot be disputed in one transaction"
                    + " (docs/protocol.md: which entries are disputable; such a model is refused at import)");
        }
        return Arrays.copyOf(chunks, n);
    }

    /**
     * Distinct input chunks read by the entry, counted exactly up to {@code limit}; past it, some count above
     * {@code limit}. While the count is within {@code limit} and {@code out} is given, the chunks go into it in
     * ascending order. Dense reads its whole row, Flatten the one value at its own index.
     */
    private static int chunks(LayerHeader h, int entry, int limit, int[] out) {
        Sweep s = new Sweep(limit, out);
        switch (h.kind()) {
            case LayerHeader.DENSE -> s.add(0, h.in().size() - 1);
            case LayerHeader.FLATTEN -> s.add(entry, entry);
            default -> windowed(h, entry, s);
        }
        return s.count;
    }

    /** The runs of input values a Conv or MaxPool entry reads, into the sweep, until it is over its limit. */
    private static void windowed(LayerHeader h, int entry, Sweep s) {
        Window w = h.window();
        boolean conv = h.kind() == LayerHeader.CONV;
        int dh = conv ? w.dilationH() : 1; // MaxPool has no dilation (Op.MaxPool refuses one)
        int dw = conv ? w.dilationW() : 1;
        long inH = h.in().height();
        long inW = h.in().width();
        int q = entry % h.out().plane();
        long top = (long) (q / h.out().width()) * w.strideH() - w.padTop();
        long left = (long) (q % h.out().width()) * w.strideW() - w.padLeft();
        // the kernel rows ki with 0 ≤ top + ki·dh < inH, and likewise the columns
        long kiLo = Math.max(0, Math.ceilDiv(-top, dh));
        long kiHi = Math.min(w.kernelH() - 1, Math.floorDiv(inH - 1 - top, dh));
        long kjLo = Math.max(0, Math.ceilDiv(-left, dw));
        long kjHi = Math.min(w.kernelW() - 1, Math.floorDiv(inW - 1 - left, dw));
        if (kiLo > kiHi || kjLo > kjHi) return; // wholly on padding: reads nothing
        int rows = (int) (kiHi - kiLo + 1);
        long y0 = top + kiLo * dh;
        long x0 = left + kjLo * dw;
        long runLength = (kjHi - kjLo) * dw;
        int c0 = conv ? 0 : entry / h.out().plane();
        int c1 = conv ? h.in().channels() - 1 : c0;
        long rowStep = dh * inW;
        long plane = inH * inW;
        boolean rowsJoin = rows == 1 || rowStep <= CHUNK_BYTES;
        boolean channelsJoin = rowsJoin && (c0 == c1 || plane <= CHUNK_BYTES);
        for (int c = c0; c <= c1; c++) {
            long first = c * plane + y0 * inW + x0;
            if (channelsJoin) {
                s.add(first, c1 * plane + (y0 + (long) (rows - 1) * dh) * inW + x0 + runLength);
                break;
            }
            if (rowsJoin) {
                s.add(first, first + (rows - 1) * rowStep + runLength);
            } else {
                for (int k = 0; k < rows && !s.over(); k++) s.add(first + k * rowStep, first + k * rowStep + runLength);
            }
            if (s.over()) break;
        }
    }

    /** Distinct chunks of runs [from, to] of value indices given in ascending order (from and to both ascending). */
    private static final class Sweep {
        final int limit;
        final int[] out;
        long last = -1;
        int count;

        Sweep(int limit, int[] out) {
            this.limit = limit;
            this.out = out;
        }

        void add(long from, long to) {
            long a = Math.max(from / CHUNK_BYTES, last + 1);
            long b = to / CHUNK_BYTES;
            if (b < a) return;
            for (long c = a; out != null && c <= b && count + (c - a) < out.length; c++) out[(int) (count + c - a)] = (int) c;
            count = (int) Math.min(Integer.MAX_VALUE, count + (b - a + 1));
            last = b;
        }

        boolean over() {
            return count > limit;
        }
    }

    /** "entry E (output channel O, row Y, column X)" of a windowed layer; "entry E" otherwise. */
    private static String describe(LayerHeader h, int entry) {
        if (h.window() == null) return "entry " + entry;
        int q = entry % h.out().plane();
        return "entry " + entry + " (output channel " + entry / h.out().plane() + ", row " + q / h.out().width()
                + ", column " + q % h.out().width() + ")";
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
