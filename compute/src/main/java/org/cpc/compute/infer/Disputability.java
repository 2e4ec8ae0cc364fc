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
 * count passes the limit, and every run that does not join up adds a chunk, so one entry costs O(limit) steps; a
 * layer's scan skips the entries that repeat an earlier one's count ({@link #scan}).
 */
public final class Disputability {
    /** The trace commitment's chunk ({@code TraceCommitment.CHUNK_BYTES}; a test holds them equal). */
    public static final int CHUNK_BYTES = 4096;
    /** Chunks of a layer's input row one proof carries; its largest form fits max_tx_bytes (128 KiB). */
    public static final int MAX_INPUT_CHUNKS = 6;

    private Disputability() {}

    /**
     * The worst entry of one layer: output {@code entry} reads {@code chunks} chunks of the layer's input row, the
     * most of any entry (the first such entry in output order); for a layer over the bound, its first entry over it.
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
        return h.window() == null ? new Worst(h.index(), 0, chunks(h, 0, Integer.MAX_VALUE, null)) : scan(h);
    }

    /**
     * Scans the layer's entries in output order, skipping only those that repeat an earlier entry's count: an entry's
     * count depends on which kernel rows and columns fall inside the input and on where its first value falls within
     * a chunk (shifting every value by whole chunks changes nothing). So (MaxPool) a channel whose plane starts at
     * the offset within a chunk of an earlier channel's repeats it; an output row whose kernel rows all lie inside
     * the input repeats an earlier such row whose first value has the same offset within a chunk; and within a row,
     * the columns whose kernel columns all lie inside repeat with the period of their stride modulo the chunk.
     * Work: each entry read costs O(limit) steps; at most 4096 such rows are read, each with its border columns
     * and at most 4096 inside columns, plus the border rows; never more entries than the layer's output has.
     */
    private static Worst scan(LayerHeader h) {
        boolean conv = h.kind() == LayerHeader.CONV; // a Conv entry reads all channels: channel 0 stands for all
        Window w = h.window();
        long inW = h.in().width();
        long inPlane = h.in().plane();
        int outW = h.out().width();
        int plane = h.out().plane();
        int channels = conv ? 1 : (int) Math.min(h.out().channels(), CHUNK_BYTES / gcd((int) (inPlane % CHUNK_BYTES), CHUNK_BYTES));
        int columnPeriod = CHUNK_BYTES / gcd(w.strideW(), CHUNK_BYTES);
        long spanH = (long) (w.kernelH() - 1) * (conv ? w.dilationH() : 1);
        long spanW = (long) (w.kernelW() - 1) * (conv ? w.dilationW() : 1);
        // the columns whose kernel columns all lie inside: [insideLo, insideHi]; only a period of them is read
        long insideLo = Math.ceilDiv(w.padLeft(), w.strideW());
        long insideHi = Math.floorDiv(inW - 1 - spanW + w.padLeft(), w.strideW());
        boolean[] rowSeen = new boolean[CHUNK_BYTES];
        Worst worst = new Worst(h.index(), 0, -1);
        for (int c = 0; c < channels; c++) {
            for (int oy = 0; oy < h.out().height(); oy++) {
                long top = (long) oy * w.strideH() - w.padTop();
                if (top >= 0 && top + spanH < h.in().height()) {
                    int offset = (int) ((c * inPlane + top * inW) % CHUNK_BYTES);
                    if (rowSeen[offset]) continue;
                    rowSeen[offset] = true;
                }
                for (int ox = 0; ox < outW; ox++) {
                    if (ox == insideLo + columnPeriod && ox <= insideHi) ox = (int) insideHi + 1;
                    if (ox >= outW) break;
                    int entry = c * plane + oy * outW + ox;
                    int n = chunks(h, entry, MAX_INPUT_CHUNKS, null);
                    if (n > MAX_INPUT_CHUNKS) return new Worst(h.index(), entry, chunks(h, entry, Integer.MAX_VALUE, null));
                    if (n > worst.chunks()) worst = new Worst(h.index(), entry, n);
                }
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
            default -> runs(h, entry, s);
        }
        return s.count;
    }

    /** The runs of input values a Conv or MaxPool entry reads, into the sweep, until it is over its limit. */
    private static void runs(LayerHeader h, int entry, Sweep s) {
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
