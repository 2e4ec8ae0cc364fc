package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.cpc.compute.infer.Disputability;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.LayerHeader;
import org.cpc.compute.infer.ModelTree;
import org.cpc.compute.market.InferenceFraudProof.Chunk;
import org.cpc.compute.market.InferenceFraudProof.Claim;
import org.cpc.compute.market.InferenceFraudProof.RowOpening;
import org.cpc.protocol.crypto.MerkleTree;

/**
 * Builds the {@link InferenceFraudProof} of one entry of one layer of one sample of an inference job, from the
 * task's blobs (model and input) and the job's output (its whole trace), whoever holds them. Rebuilds the trees it
 * opens, so it costs hashing the model, the input batch and the job's trace once or twice.
 */
public final class InferenceFraudBuilder {
    private InferenceFraudBuilder() {}

    /**
     * @param payload the task's inference payload (valid)
     * @param blobs   holds the model and input blobs
     * @param output  job {@code job}'s output: its trace, samples × sample_trace_bytes
     * @throws IllegalArgumentException when the job, sample, layer, entry or claim does not fit the task, the output
     *                                  is the wrong size, or the entry reads more input than one proof carries
     *                                  ({@link Disputability#inputChunks}; the importer refuses models with such an
     *                                  entry)
     */
    public static InferenceFraudProof build(String taskId, JsonNode payload, int job, int sample, int layer, int entry,
                                            Claim claim, BlobSource blobs, byte[] output) {
        InferenceChallenge.Spec s = InferenceChallenge.Spec.of(payload);
        IntModel model = InferenceChallenge.model(payload, blobs);
        int jobs = InferenceChallenge.INSTANCE.jobCount(payload);
        if (job < 0 || job >= jobs) throw new IllegalArgumentException("the task has jobs 0.." + (jobs - 1) + ", not " + job);
        int first = s.first(job);
        int n = s.count(job);
        if (sample < first || sample >= first + n) {
            throw new IllegalArgumentException("job " + job + " runs samples " + first + ".." + (first + n - 1)
                    + ", not sample " + sample);
        }
        int layers = model.ops().size();
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("the model has layers 0.." + (layers - 1) + ", not " + layer);
        }
        if (output.length != n * model.traceBytesPerSample()) {
            throw new IllegalArgumentException("job " + job + "'s output must be the trace of " + n + " samples ("
                    + n * model.traceBytesPerSample() + " bytes); it is " + output.length + " bytes");
        }
        LayerHeader h = LayerHeader.decode(ModelTree.header(model, layer));
        if (entry < 0 || entry >= h.out().size()) {
            throw new IllegalArgumentException("layer " + layer + " (" + h.kindName() + ") has entries 0.."
                    + (h.out().size() - 1) + " per sample, not " + entry);
        }
        if (claim == Claim.ACCUMULATOR && !h.linear()) {
            throw new IllegalArgumentException("layer " + layer + " is a " + h.kindName() + ": it has no accumulators;"
                    + " dispute its output");
        }
        ModelTree tree = new ModelTree(model);
        InferenceCommitment.Layout layout = InferenceCommitment.Layout.of(model, n);
        int local = sample - first;
        int unit = entry / h.out().plane();
        boolean needInput = claim == Claim.ACCUMULATOR || !h.linear();
        return new InferenceFraudProof(taskId, job, sample, layer, entry, claim,
                ModelTree.header(model, layer), tree.headerPath(layer),
                h.linear() ? ModelTree.unit(model, layer, unit) : null,
                h.linear() ? tree.unitPath(layer, unit) : List.of(),
                needInput ? input(h, entry, s, sample, local, blobs, layout, output) : null,
                h.linear() ? traceRow(layout, output, layer, local, 0, 4 * entry / TraceCommitment.CHUNK_BYTES) : null,
                claim == Claim.OUTPUT ? traceRow(layout, output, layer, local, 1, entry / TraceCommitment.CHUNK_BYTES) : null);
    }

    /** One chunk of a trace row (part 0 accumulators, 1 activations) with its paths. */
    private static RowOpening traceRow(InferenceCommitment.Layout layout, byte[] output, int layer, int local, int part,
                                       int chunk) {
        return new RowOpening(List.of(traceChunk(layout, output, layer, local, part, chunk)),
                layout.rowPath(output, layer, local, part));
    }

    private static Chunk traceChunk(InferenceCommitment.Layout layout, byte[] output, int layer, int local, int part,
                                    int chunk) {
        int rowBytes = part == 0 ? 4 * layout.sizes()[layer] : layout.sizes()[layer];
        int row = part == 0 ? layout.accRow(layer, local) : layout.actRow(layer, local);
        int from = row + chunk * TraceCommitment.CHUNK_BYTES;
        byte[] bytes = java.util.Arrays.copyOfRange(output, from, from + TraceCommitment.byteChunkSize(rowBytes, chunk));
        return new Chunk(chunk, bytes, new MerkleTree(layout.chunkLeaves(output, layer, local, part)).auditPath(chunk));
    }

    /** The chunks of the layer's input row that the entry reads: the task's input for layer 0, else the trace's. */
    private static RowOpening input(LayerHeader h, int entry, InferenceChallenge.Spec s, int sample, int local,
                                    BlobSource blobs, InferenceCommitment.Layout layout, byte[] output) {
        int[] chunks = Disputability.inputChunks(h, entry);
        // an opening proves its row by at least one chunk: a Conv patch wholly on padding reads none, so carry chunk 0
        if (chunks.length == 0) chunks = new int[] {0};
        List<Chunk> opened = new ArrayList<>();
        if (h.index() > 0) {
            for (int c : chunks) opened.add(traceChunk(layout, output, h.index() - 1, local, 1, c));
            return new RowOpening(opened, layout.rowPath(output, h.index() - 1, local, 1));
        }
        MemorySegment input = blobs.blob(s.input());
        int rowBytes = s.inBytes();
        MerkleTree row = new MerkleTree(InferenceCommitment.inputChunkLeaves(input, sample, rowBytes));
        for (int c : chunks) {
            long from = (long) sample * rowBytes + (long) c * TraceCommitment.CHUNK_BYTES;
            byte[] bytes = input.asSlice(from, TraceCommitment.byteChunkSize(rowBytes, c)).toArray(ValueLayout.JAVA_BYTE);
            opened.add(new Chunk(c, bytes, row.auditPath(c)));
        }
        MerkleTree samples = new MerkleTree(InferenceCommitment.inputSampleRoots(input, s.samples(), rowBytes));
        return new RowOpening(opened, samples.auditPath(sample));
    }
}
