package org.cpc.compute.market;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.stream.IntStream;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.TraceView;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MerkleTree;
import org.cpc.protocol.crypto.Sha256;

/**
 * The commitments an inference task's fraud proofs open (docs/protocol.md, "Trace commitments and fraud proofs
 * (inference)"), all RFC 6962 trees ({@link Merkle}) whose rows are cut into {@link TraceCommitment#CHUNK_BYTES}-byte
 * chunks as matmul's are:
 * <ul>
 *   <li>a <b>row root</b>: the root over a row's chunks (a row of at most 4096 bytes: SHA-256(0x00 ‖ row));</li>
 *   <li>a job's <b>result_hash</b>: the root over its n samples' hashes; a sample's hash is the root over its L
 *       layers' hashes; layer i's hash is node(acc root, act root) = SHA-256(0x01 ‖ acc root ‖ act root), the roots
 *       of the sample's accumulator row (int32 LE, Conv and Dense) and activation row (int8) of that layer — for
 *       MaxPool and Flatten the acc root is that of the empty tree, SHA-256 of nothing;</li>
 *   <li>the payload's <b>input_root</b>: the root over the batch's samples' row roots (each sample's input bytes).</li>
 * </ul>
 * Hashing nested trees as leaf hashes of the next level is how matmul's row roots stand in its job tree.
 */
public final class InferenceCommitment {
    /** The acc root of a layer without accumulators: the empty tree's root. */
    public static final byte[] NO_ACCUMULATORS = Sha256.hash(new byte[0]);

    private InferenceCommitment() {}

    /**
     * Where each row of a job's output (its trace, {@link org.cpc.compute.infer.TraceView#encode}) lies: per layer the accumulator
     * block (Conv, Dense: samples × size int32 LE) and then the activation block (samples × size int8).
     */
    public record Layout(IntModel model, int samples, long[] accBlock, long[] actBlock, int[] sizes) {
        public static Layout of(IntModel model, int samples) {
            List<TraceView.Layer> layers = TraceView.layout(model, samples);
            long[] acc = new long[layers.size()];
            long[] act = new long[layers.size()];
            int[] sizes = new int[layers.size()];
            for (int i = 0; i < sizes.length; i++) {
                TraceView.Layer l = layers.get(i);
                sizes[i] = l.shape().size();
                act[i] = l.activations();
                acc[i] = l.linear() ? l.accumulators() : l.activations();
            }
            return new Layout(model, samples, acc, act, sizes);
        }

        public int layers() {
            return sizes.length;
        }

        /** Offset of sample s's accumulator row of layer i (4·size bytes). */
        public int accRow(int layer, int sample) {
            return Math.toIntExact(accBlock[layer] + 4L * sample * sizes[layer]);
        }

        /** Offset of sample s's activation row of layer i (size bytes). */
        public int actRow(int layer, int sample) {
            return Math.toIntExact(actBlock[layer] + (long) sample * sizes[layer]);
        }

        public boolean linear(int layer) {
            return linear(model, layer);
        }

        private static boolean linear(IntModel model, int layer) {
            return IntModel.linear(model.ops().get(layer)) != null;
        }

        /** The chunk leaf hashes of one row: the activations (part 1) or the accumulators (part 0) of a layer. */
        public byte[][] chunkLeaves(byte[] output, int layer, int sample, int part) {
            return part == 0
                    ? TraceCommitment.byteChunkLeaves(output, accRow(layer, sample), 4 * sizes[layer])
                    : TraceCommitment.byteChunkLeaves(output, actRow(layer, sample), sizes[layer]);
        }

        /** Sample s's acc root (part 0) or act root (part 1) of layer i. */
        public byte[] rowRoot(byte[] output, int layer, int sample, int part) {
            if (part == 0 && !linear(layer)) return NO_ACCUMULATORS;
            return Merkle.rootOfLeafHashes(chunkLeaves(output, layer, sample, part));
        }

        /** The hashes of sample s's layers: the leaves of its sample tree. */
        public byte[][] layerHashes(byte[] output, int sample) {
            byte[][] h = new byte[layers()][];
            for (int i = 0; i < h.length; i++) {
                h[i] = Merkle.nodeHash(rowRoot(output, i, sample, 0), rowRoot(output, i, sample, 1));
            }
            return h;
        }

        /** Sample s's hash: the root of its sample tree, over its layers' hashes. */
        public byte[] sampleHash(byte[] output, int sample) {
            return Merkle.rootOfLeafHashes(layerHashes(output, sample));
        }

        /** The hashes of the job's samples, on this thread: the leaves of its result tree. */
        public byte[][] sampleHashes(byte[] output) {
            byte[][] h = new byte[samples][];
            for (int s = 0; s < samples; s++) h[s] = sampleHash(output, s);
            return h;
        }

        /**
         * The path from the root of a row (part 0 acc, 1 act) of layer i of sample s up to the job's result_hash:
         * the other row's root, then the layer's path in the sample tree, then the sample's in the job tree.
         */
        public List<byte[]> rowPath(byte[] output, int layer, int sample, int part) {
            List<byte[]> p = new ArrayList<>();
            p.add(rowRoot(output, layer, sample, 1 - part));
            p.addAll(new MerkleTree(layerHashes(output, sample)).auditPath(layer));
            p.addAll(new MerkleTree(sampleHashes(output)).auditPath(sample));
            return p;
        }
    }

    /**
     * A job's result_hash: the root over its samples' trace trees. {@code output} must be exactly the trace. A trace
     * of at least {@link #PARALLEL_BYTES} has its samples hashed on every core ({@link #HASHING}): the worker
     * computes this root after its job, and on one thread it took longer than the job's compute on two (a 13 MB
     * trace, about 10 ms against 7). Each sample's hash goes to its own slot, so the root is the same on any number
     * of threads.
     */
    public static byte[] traceRoot(IntModel model, int samples, byte[] output) {
        if (output.length != samples * model.traceBytesPerSample()) {
            throw new IllegalArgumentException("output is " + output.length + " bytes, not the "
                    + samples * model.traceBytesPerSample() + " of a trace of " + samples + " samples");
        }
        Layout layout = Layout.of(model, samples);
        if (output.length < PARALLEL_BYTES || samples < 2) return Merkle.rootOfLeafHashes(layout.sampleHashes(output));
        byte[][] hashes = new byte[samples][];
        HASHING.submit(() -> IntStream.range(0, samples).parallel()
                .forEach(s -> hashes[s] = layout.sampleHash(output, s))).join();
        return Merkle.rootOfLeafHashes(hashes);
    }

    /** Traces from this size on are hashed on every core: below it, splitting costs more than it saves. */
    static final int PARALLEL_BYTES = 1 << 20;

    /**
     * The threads that hash large traces: one per core, daemons, apart from the common pool (whose threads a node
     * in the same process uses to check transaction signatures).
     */
    private static final ForkJoinPool HASHING = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("cpc-trace-hash-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** The chunk leaf hashes of sample s's input (bytesPerSample bytes at s·bytesPerSample of the batch). */
    public static byte[][] inputChunkLeaves(MemorySegment input, int sample, int bytesPerSample) {
        byte[][] leaves = new byte[TraceCommitment.byteChunks(bytesPerSample)][];
        byte[] chunk = new byte[TraceCommitment.CHUNK_BYTES];
        long base = (long) sample * bytesPerSample;
        for (int c = 0; c < leaves.length; c++) {
            int len = TraceCommitment.byteChunkSize(bytesPerSample, c);
            MemorySegment.copy(input, ValueLayout.JAVA_BYTE, base + (long) c * TraceCommitment.CHUNK_BYTES, chunk, 0, len);
            leaves[c] = Merkle.leafHash(chunk, 0, len);
        }
        return leaves;
    }

    /** The row roots of every sample of the batch: the input tree's leaves. */
    public static byte[][] inputSampleRoots(MemorySegment input, int samples, int bytesPerSample) {
        if (input.byteSize() != (long) samples * bytesPerSample) {
            throw new IllegalArgumentException("the input is " + input.byteSize() + " bytes, not " + samples
                    + " samples of " + bytesPerSample);
        }
        byte[][] roots = new byte[samples][];
        for (int s = 0; s < samples; s++) roots[s] = Merkle.rootOfLeafHashes(inputChunkLeaves(input, s, bytesPerSample));
        return roots;
    }

    /** The payload's input_root. */
    public static byte[] inputRoot(MemorySegment input, int samples, int bytesPerSample) {
        return Merkle.rootOfLeafHashes(inputSampleRoots(input, samples, bytesPerSample));
    }

    /**
     * Climbs nested trees: from {@code leafHash} at index[0] of a tree of size[0] leaves, whose root is the leaf at
     * index[1] of a tree of size[1], and so on, consuming {@code path} level by level (each level takes exactly its
     * audit path's length). The top root, or null when the path is not exactly that long or an index is outside its
     * tree.
     */
    public static byte[] climb(byte[] leafHash, int[] index, int[] size, List<byte[]> path) {
        byte[] at = leafHash;
        int used = 0;
        for (int level = 0; level < index.length; level++) {
            if (index[level] < 0 || index[level] >= size[level]) return null;
            int len = Merkle.pathLength(index[level], size[level]);
            if (used + len > path.size()) return null;
            at = Merkle.rootFromPath(at, index[level], size[level], path.subList(used, used + len));
            if (at == null) return null;
            used += len;
        }
        return used == path.size() ? at : null;
    }
}
