package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Merkle;

/**
 * Judges a {@link FraudProof} against what L1 holds: the task's matmul payload (m, k, n, rows_per_job, a_root,
 * b_root) and the disputed job's on-chain result_hash. Pure and deterministic (no I/O, no clock, no floating point),
 * so block execution may call it: it checks the three audit paths and recomputes the one int8 dot product exactly in
 * int32 (|Σ| ≤ k · 128² = 2^28 for k ≤ 2^14, so no overflow). Cost: 2k bytes and one chunk hashed, at most
 * 3 · 16 + 6 node hashes, k multiply-adds.
 */
public final class FraudProofVerifier {
    private FraudProofVerifier() {}

    /**
     * @param payload       the task's payload as stored on L1 (challenge type matmul)
     * @param jobResultHash hex result_hash of job {@code proof.job()} as recorded on L1
     */
    public static FraudVerdict verify(FraudProof proof, JsonNode payload, String jobResultHash) {
        MatmulChallenge.Shape s;
        try {
            s = DisputedJob.check(MatmulChallenge.INSTANCE, MatmulChallenge.Shape::of, payload, jobResultHash,
                    proof.job(), proof.row(), "row", "computed");
        } catch (DisputedJob.Refused r) {
            return malformed(r.getMessage());
        }
        int job = proof.job();
        int row = proof.row();
        int first = s.first(job);
        int rows = s.count(job);
        if (proof.col() >= s.n()) return malformed("col " + proof.col() + " is not a column of C (n = " + s.n() + ")");
        if (proof.aRow().length != s.k()) return malformed("a_row is " + proof.aRow().length + " bytes; k = " + s.k());
        if (proof.bCol().length != s.k()) return malformed("b_col is " + proof.bCol().length + " bytes; k = " + s.k());
        int chunk = proof.col() / TraceCommitment.CHUNK_ENTRIES;
        int chunks = TraceCommitment.chunks(s.n());
        int chunkBytes = TraceCommitment.chunkBytes(s.n(), chunk);
        if (proof.cChunk().length != chunkBytes) {
            return malformed("c_chunk is " + proof.cChunk().length + " bytes; chunk " + chunk + " of a row of " + s.n()
                    + " int32 is " + chunkBytes);
        }
        if (!leads(Merkle.leafHash(proof.aRow()), row, s.m(), proof.aPath(), s.aRoot())) {
            return malformed("a_path does not lead from a_row (leaf " + row + " of " + s.m() + ") to the task's a_root");
        }
        if (!leads(Merkle.leafHash(proof.bCol()), proof.col(), s.n(), proof.bPath(), s.bRoot())) {
            return malformed("b_path does not lead from b_col (leaf " + proof.col() + " of " + s.n() + ") to the task's b_root");
        }
        byte[] rowHash = Merkle.rootFromPath(Merkle.leafHash(proof.cChunk()), chunk, chunks, proof.chunkPath());
        if (rowHash == null) {
            return malformed("chunk_path has " + proof.chunkPath().size() + " hashes; chunk " + chunk + " of " + chunks
                    + " takes " + Merkle.pathLength(chunk, chunks));
        }
        if (!leads(rowHash, row - first, rows, proof.rowPath(), jobResultHash)) {
            return malformed("c_chunk with chunk_path and row_path (row " + (row - first) + " of the job's " + rows
                    + ") does not lead to the job's result_hash");
        }
        int claimed = littleEndianInt(proof.cChunk(), proof.entryOffset());
        int correct = dot(proof.aRow(), proof.bCol());
        return claimed == correct ? new FraudVerdict.EntryRight(claimed) : new FraudVerdict.EntryWrong(claimed, correct);
    }

    private static boolean leads(byte[] leafHash, int index, int size, List<byte[]> path, String rootHex) {
        return Merkle.verify(leafHash, index, size, path, Hex.decode(rootHex));
    }

    private static FraudVerdict malformed(String reason) {
        return new FraudVerdict.Malformed(reason);
    }

    static int dot(byte[] a, byte[] b) {
        int s = 0;
        for (int t = 0; t < a.length; t++) s += a[t] * b[t];
        return s;
    }

    private static int littleEndianInt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | b[off + 3] << 24;
    }
}
