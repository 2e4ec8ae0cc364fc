package org.cpc.compute.infer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpc.compute.Futures;
import org.cpc.compute.gemm.GemmBackend;

/**
 * Runs an {@link IntModel} exactly on a {@link GemmBackend} and returns the whole {@link Trace}. Conv is im2col then
 * one GEMM per block of samples (weights · the block's patches side by side); Dense is one GEMM per block of samples
 * (inputs · weightsᵀ). The GEMM sees
 * the raw int8 values; the zero points come back in afterwards by the usual expansion
 * <pre>  Σ (x − zx)(w − zw) = Σ x·w − zx·Σ w − zw·Σ x + depth·zx·zw</pre>
 * with Σ w per output channel prepared once per model. All in int arithmetic: intermediate sums may wrap, but the
 * result fits int32 ({@link IntLinear}), and wrapping arithmetic is exact modulo 2^32, so it comes out right.
 *
 * <p>The batch is cut into tiles of samples, which the caller's thread and kept pool threads take in turn; each tile
 * runs through every layer with a one-thread GEMM, writing its part of the trace. Thread-safe: one executor may
 * serve several callers.
 */
public final class InferenceExecutor {
    private final IntModel model;
    private final GemmBackend gemm;
    private final int threads;
    private final List<Prepared> prepared = new ArrayList<>();

    /** Patches per GEMM of a Conv layer: several samples' worth, so that the GEMM is large enough to run fast. */
    static final long CONV_BLOCK_BYTES = 256 << 10;

    /**
     * A tile's working set in its largest layer (input, patches, int32 products, accumulators, activations): about
     * half a core's L2 cache, and large enough that a Dense layer's GEMM amortises its fixed cost.
     */
    static final long TILE_BYTES = 1 << 20;

    /**
     * Threads for the parts of a batch beyond the caller's own, kept between batches (with their {@link Workspace}s)
     * and ended after a minute idle; daemons, so that they never keep a JVM alive.
     */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cpc-inference");
        t.setDaemon(true);
        return t;
    });

    private final int tileSamples;

    /**
     * A trace its caller is done with ({@link #recycle}), whose arrays the next run of the same batch size writes
     * again instead of allocating new ones: a run writes every entry of its trace, and fresh arrays are zeroed by the
     * JVM on the caller's thread before any tile can start (about 2 ms of a 10,000-sample MLP batch's 15). Softly
     * held, so that memory pressure takes it back.
     */
    private final Spare<Trace> spare = new Spare<>();

    /**
     * What a Conv or Dense layer needs besides its parameters; null entries for MaxPool and Flatten. The weights are
     * the GEMM's operand (a Conv's as they are, a Dense layer's transposed) in native memory, which oneDNN reads in
     * place. Without weight zero points (symmetric weights, the usual export) the zx·Σ x term vanishes and is not
     * computed.
     */
    private record Prepared(Epilogue epilogue, MemorySegment weights, boolean anyWeightZeroPoint) {}

    public InferenceExecutor(IntModel model, GemmBackend backend, int threads) {
        this.model = model;
        this.gemm = backend.withThreads(1);
        this.threads = GemmBackend.checkThreads(threads);
        for (Op op : model.ops()) prepared.add(prepare(op));
        this.tileSamples = tileSamples(model);
    }

    /** Samples per tile: {@link #TILE_BYTES} over the largest layer's working set per sample, at least 1. */
    private static int tileSamples(IntModel model) {
        long largest = 1;
        for (int i = 0; i < model.ops().size(); i++) {
            Shape out = model.shapes().get(i);
            long bytes = model.inputOf(i).size() + 9L * out.size();
            if (model.ops().get(i) instanceof Op.Conv c) bytes += (long) c.linear().depth() * out.plane();
            largest = Math.max(largest, bytes);
        }
        return (int) Math.clamp(TILE_BYTES / largest, 1, Integer.MAX_VALUE);
    }

    public IntModel model() {
        return model;
    }

    /**
     * Runs {@code batch} samples; {@code input} holds them one after the other, each {@code model.input().size()}
     * int8 values (already quantized with the model's input scale and zero point).
     */
    public Trace run(byte[] input, int batch) {
        int n = model.input().size();
        if (batch < 1 || input.length != (long) batch * n) {
            throw new IllegalArgumentException("input is " + input.length + " bytes; " + batch + " samples of "
                    + model.input() + " need " + (long) batch * n);
        }
        List<Trace.Layer> layers = spareFor(batch);
        if (layers == null) {
            List<Shape> shapes = model.shapes();
            layers = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                long size = (long) batch * shapes.get(i).size();
                if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("batch " + batch + " is too large");
                boolean linear = IntModel.linear(model.ops().get(i)) != null;
                layers.add(new Trace.Layer(shapes.get(i), linear ? new int[(int) size] : null, new byte[(int) size]));
            }
        }
        int tiles = Math.max(Math.min(threads, batch), (batch + tileSamples - 1) / tileSamples);
        AtomicInteger next = new AtomicInteger();
        List<Trace.Layer> out = layers;
        Runnable worker = () -> runTiles(input, out, batch, tiles, next);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int t = 1; t < Math.min(threads, tiles); t++) running.add(POOL.submit(worker));
            worker.run();
        } finally {
            for (Future<?> f : running) Futures.await(f, "an inference thread");
        }
        return new Trace(batch, layers);
    }

    /**
     * Hands back a trace this executor made, for the next {@link #run} of the same batch size to write its entries
     * into. The caller must not read {@code trace} afterwards (copy out what it needs first, as a job's output is
     * encoded). A trace of another model or shape is refused.
     */
    public void recycle(Trace trace) {
        List<Shape> shapes = model.shapes();
        if (trace.layers().size() != shapes.size()) throw new IllegalArgumentException("not a trace of this model");
        for (int i = 0; i < shapes.size(); i++) {
            Trace.Layer l = trace.layers().get(i);
            long size = (long) trace.batch() * shapes.get(i).size();
            boolean linear = IntModel.linear(model.ops().get(i)) != null;
            if (!l.shape().equals(shapes.get(i)) || l.activations().length != size || (l.accumulators() != null) != linear
                    || (linear && l.accumulators().length != size)) {
                throw new IllegalArgumentException("not a trace of this model: layer " + i + " differs");
            }
        }
        spare.keep(trace);
    }

    /** The spare trace's layers if there is one of {@code batch} samples (taken: no other run gets it), else null. */
    private List<Trace.Layer> spareFor(int batch) {
        Trace t = spare.take();
        return t == null || t.batch() != batch ? null : t.layers();
    }

    /**
     * Takes tiles until none is left. The batch is cut into {@code tiles} tiles of equal size (±1, so that the GEMMs
     * have at most two shapes) of about {@link #TILE_BYTES} of working set each, and each tile goes through every
     * layer before the next, so that a layer's products and activations are still in cache when the next layer
     * reads them. Threads take tiles as they come free rather than a fixed share each: on a shared machine a
     * thread that the scheduler holds back leaves its work to the others instead of making them wait.
     */
    private void runTiles(byte[] input, List<Trace.Layer> layers, int batch, int tiles, AtomicInteger next) {
        Workspace w = Workspace.own();
        for (int t = next.getAndIncrement(); t < tiles; t = next.getAndIncrement()) {
            runTile(input, layers, (int) ((long) batch * t / tiles), (int) ((long) batch * (t + 1) / tiles), w);
        }
    }

    /** Samples [s0, s1) through every layer. */
    private void runTile(byte[] input, List<Trace.Layer> layers, int s0, int s1, Workspace w) {
        byte[] in = input;
        for (int i = 0; i < layers.size(); i++) {
            Shape inShape = model.inputOf(i);
            Trace.Layer out = layers.get(i);
            switch (model.ops().get(i)) {
                case Op.Conv c -> conv(c, prepared.get(i), in, inShape, out, s0, s1, w);
                case Op.Dense d -> dense(d, prepared.get(i), in, out, s0, s1, w);
                case Op.MaxPool p -> {
                    for (int s = s0; s < s1; s++) {
                        Patches.maxPool(in, s * inShape.size(), inShape, p.window(), out.activations(),
                                s * out.shape().size());
                    }
                }
                case Op.Flatten f -> System.arraycopy(in, s0 * inShape.size(), out.activations(), s0 * inShape.size(),
                        (s1 - s0) * inShape.size());
            }
            in = out.activations();
        }
    }

    /**
     * Samples [s0, s1) in blocks of about {@link #CONV_BLOCK_BYTES} of patches: each block's patches side by side
     * (depth × block·positions), one GEMM for the block, then the zero-point terms and requantization per sample.
     */
    private void conv(Op.Conv c, Prepared p, byte[] in, Shape inShape, Trace.Layer out, int s0, int s1, Workspace w) {
        IntLinear l = c.linear();
        int positions = out.shape().plane();
        int sampleOut = out.shape().size();
        int block = (int) Math.clamp(CONV_BLOCK_BYTES / ((long) l.depth() * positions), 1, s1 - s0);
        int columns = block * positions;
        byte[] patches = w.patches(l.depth() * columns);
        MemorySegment products = w.products((long) l.outputs() * columns);
        int[] colSum = p.anyWeightZeroPoint() ? w.sums(columns) : null;
        MemorySegment patchSegment = MemorySegment.ofArray(patches);
        for (int b0 = s0; b0 < s1; b0 += block) {
            int n = Math.min(block, s1 - b0);
            int width = n * positions;
            for (int b = 0; b < n; b++) {
                Patches.im2col(in, (b0 + b) * inShape.size(), inShape, c.window(), (byte) l.inputZeroPoint(), patches,
                        b * positions, width);
            }
            gemm.gemm(p.weights(), patchSegment.asSlice(0, (long) l.depth() * width),
                    products.asSlice(0, 4L * l.outputs() * width), l.outputs(), l.depth(), width);
            if (colSum != null) {
                Arrays.fill(colSum, 0, width, 0);
                for (int t = 0; t < l.depth(); t++) {
                    for (int q = 0; q < width; q++) colSum[q] += patches[t * width + q];
                }
            }
            for (int o = 0; o < l.outputs(); o++) {
                for (int b = 0; b < n; b++) {
                    p.epilogue().channel(o, products, (long) o * width + b * positions, colSum, b * positions,
                            out.accumulators(), out.activations(), (b0 + b) * sampleOut + o * positions, positions);
                }
            }
        }
    }

    /** Samples [s0, s1): one GEMM into the workspace's native products, then the epilogue into the trace. */
    private void dense(Op.Dense d, Prepared p, byte[] in, Trace.Layer out, int s0, int s1, Workspace w) {
        IntLinear l = d.linear();
        int k = l.depth();
        int outputs = l.outputs();
        MemorySegment products = w.products((long) (s1 - s0) * outputs);
        gemm.gemm(MemorySegment.ofArray(in).asSlice((long) s0 * k, (long) (s1 - s0) * k), p.weights(), products,
                s1 - s0, k, outputs);
        for (int s = s0; s < s1; s++) {
            int rowSum = 0;
            if (p.anyWeightZeroPoint()) for (int t = 0; t < k; t++) rowSum += in[s * k + t];
            p.epilogue().row(products, (long) (s - s0) * outputs, rowSum, out.accumulators(), out.activations(),
                    s * outputs);
        }
    }

    /** The epilogue's base[o] = bias[o] − zx·Σ_t w[o][t] + depth·zx·zw[o]: everything of acc[o] not depending on x. */
    private static Prepared prepare(Op op) {
        IntLinear l = IntModel.linear(op);
        if (l == null) return null;
        byte[] transposed = null;
        if (op instanceof Op.Dense) {
            transposed = new byte[l.weights().length];
            for (int o = 0; o < l.outputs(); o++) {
                for (int t = 0; t < l.depth(); t++) transposed[t * l.outputs() + o] = l.weights()[o * l.depth() + t];
            }
        }
        boolean anyWeightZeroPoint = false;
        for (int z : l.weightZeroPoints()) anyWeightZeroPoint |= z != 0;
        byte[] gemmWeights = transposed != null ? transposed : l.weights();
        MemorySegment weights = Arena.ofAuto().allocate(gemmWeights.length, 64).copyFrom(MemorySegment.ofArray(gemmWeights));
        return new Prepared(Epilogue.of(l), weights, anyWeightZeroPoint);
    }

}
