package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.cpc.protocol.crypto.MerkleTree;

/**
 * Builds the {@link FraudProof} of one entry of a matmul job from the task's inputs and the job's output (whoever
 * holds them: the PoC validator, or a customer with the Task Market's blobs and result). Rebuilds the three trees,
 * so it costs hashing A, B and the job's output once.
 */
public final class FraudProofBuilder {
    private FraudProofBuilder() {}

    /**
     * @param payload the task's matmul payload (valid)
     * @param blobs   holds the blobs a and b
     * @param output  job {@code job}'s output, rows × n int32 little-endian
     * @throws IllegalArgumentException when the job, row or column is not in the task, or the output is the wrong size
     */
    public static FraudProof build(String taskId, JsonNode payload, int job, int row, int col, BlobSource blobs,
                                   byte[] output) {
        MatmulChallenge.Shape s = MatmulChallenge.Shape.of(payload);
        if (job < 0 || job >= s.jobs()) throw new IllegalArgumentException("the task has jobs 0.." + (s.jobs() - 1) + ", not " + job);
        int first = s.first(job);
        if (row < first || row >= first + s.count(job)) {
            throw new IllegalArgumentException("job " + job + " computes rows " + first + ".." + (first + s.count(job) - 1)
                    + " of C, not row " + row);
        }
        if (col < 0 || col >= s.n()) throw new IllegalArgumentException("C has columns 0.." + (s.n() - 1) + ", not " + col);
        if (output.length != MatmulChallenge.INSTANCE.maxOutputBytes(payload, job)) {
            throw new IllegalArgumentException("job " + job + "'s output must be " + s.count(job) + " rows × " + s.n()
                    + " int32; it is " + output.length + " bytes");
        }
        MemorySegment a = blobs.blob(s.a());
        MemorySegment b = blobs.blob(s.b());
        int k = s.k();
        byte[] aRow = new byte[k];
        MemorySegment.copy(a, ValueLayout.JAVA_BYTE, (long) row * k, aRow, 0, k);
        byte[] bCol = new byte[k];
        for (int t = 0; t < k; t++) bCol[t] = b.get(ValueLayout.JAVA_BYTE, (long) t * s.n() + col);
        int local = row - first;
        int rowOffset = local * 4 * s.n();
        int chunk = col / TraceCommitment.CHUNK_ENTRIES;
        byte[] cChunk = new byte[TraceCommitment.chunkBytes(s.n(), chunk)];
        System.arraycopy(output, rowOffset + chunk * TraceCommitment.CHUNK_BYTES, cChunk, 0, cChunk.length);
        return new FraudProof(taskId, job, row, col,
                aRow, new MerkleTree(TraceCommitment.aLeaves(a, s.m(), k)).auditPath(row),
                bCol, new MerkleTree(TraceCommitment.bLeaves(b, k, s.n())).auditPath(col),
                cChunk, new MerkleTree(TraceCommitment.chunkLeaves(output, rowOffset, s.n())).auditPath(chunk),
                new MerkleTree(TraceCommitment.rowHashes(output, s.n())).auditPath(local));
    }
}
