package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;
import org.cpc.protocol.crypto.Sha256;

/**
 * A claim that one entry C[row][col] of a matmul job's output, as committed on L1 by the job's result_hash, is not
 * the dot product of row {@code row} of A and column {@code col} of B: the payload of the FRAUD_PROOF transaction
 * (docs/protocol.md, "Fraud proofs"). It carries the row, the column and the output chunk holding the entry, each
 * with its RFC 6962 audit path (bottom-up) to a_root, b_root and result_hash; {@link FraudProofVerifier} judges it.
 * The fields are only bounded here (form); whether they fit the task is the verifier's business.
 *
 * @param row       the row of C, 0..m−1, within the job's rows
 * @param aRow      row {@code row} of A, k bytes
 * @param aPath     its path to a_root (tree of m leaves)
 * @param bCol      column {@code col} of B, k bytes
 * @param bPath     its path to b_root (tree of n leaves)
 * @param cChunk    chunk {@code col / 1024} of the output row (4096 bytes, or what is left of the row)
 * @param chunkPath its path to the row's chunk root (tree of ⌈n / 1024⌉ leaves; empty when the row is one chunk)
 * @param rowPath   the row's path to the job's result_hash (tree of the job's rows, leaf {@code row − first row})
 */
public record FraudProof(String taskId, int job, int row, int col, byte[] aRow, List<byte[]> aPath, byte[] bCol,
                         List<byte[]> bPath, byte[] cChunk, List<byte[]> chunkPath, List<byte[]> rowPath) {
    public static final Set<String> FIELDS = Set.of("task_id", "job", "row", "col", "a_row", "a_path", "b_col",
            "b_path", "c_chunk", "chunk_path", "row_path");
    /** The FRAUD_PROOF payload: the byte fields and every path hash as lowercase hex. */
    private static final RecordJson<FraudProof> JSON = RecordJson.of(FraudProof.class);
    /** Longest path to a_root, b_root or through a job's rows: trees of at most 2^16 leaves. */
    public static final int MAX_PATH = 16;
    /** Longest path through a row's chunks: at most 65,536 · 4 / 4096 = 64 chunks. */
    public static final int MAX_CHUNK_PATH = 6;
    /**
     * Bound on the JCS of the largest proof (k = 16,384, every path at its longest: about 77 KiB), so that a
     * FRAUD_PROOF fits {@code max_tx_bytes} (128 KiB) with its signature; {@code FraudProofTest} builds that proof.
     */
    public static final int MAX_JSON_BYTES = 80 * 1024;
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public FraudProof {
        aPath = List.copyOf(aPath);
        bPath = List.copyOf(bPath);
        chunkPath = List.copyOf(chunkPath);
        rowPath = List.copyOf(rowPath);
    }

    /** The disputed entry's offset in {@link #cChunk}. */
    public int entryOffset() {
        return 4 * (col % TraceCommitment.CHUNK_ENTRIES);
    }

    public ObjectNode toJson() {
        return JSON.write(this);
    }

    /**
     * Reads a proof strictly: every field present, no other, each within its bound ({@link MatmulChallenge#MAX_K}
     * bytes for a_row and b_col, one chunk for c_chunk, {@link #MAX_PATH} hashes a path). Throws
     * {@link IllegalArgumentException} naming the field.
     */
    public static FraudProof fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "fraud proof", FIELDS);
        String taskId = f.string("task_id");
        if (!UUID.matcher(taskId).matches()) throw new IllegalArgumentException("fraud proof.task_id must be a lowercase UUID");
        int job = bounded(f, "job", ChallengeType.MAX_JOBS - 1);
        int row = bounded(f, "row", MatmulChallenge.MAX_DIM - 1);
        int col = bounded(f, "col", MatmulChallenge.MAX_DIM - 1);
        byte[] aRow = bytes(f, "a_row", 1, MatmulChallenge.MAX_K);
        byte[] bCol = bytes(f, "b_col", 1, MatmulChallenge.MAX_K);
        byte[] chunk = bytes(f, "c_chunk", 4, TraceCommitment.CHUNK_BYTES);
        if (chunk.length % 4 != 0) throw new IllegalArgumentException("fraud proof.c_chunk must be whole int32 entries (a multiple of 4 bytes)");
        return new FraudProof(taskId, job, row, col, aRow, path(f, "a_path", MAX_PATH), bCol, path(f, "b_path", MAX_PATH),
                chunk, path(f, "chunk_path", MAX_CHUNK_PATH), path(f, "row_path", MAX_PATH));
    }

    private static int bounded(JsonFields f, String field, int max) {
        return bounded(f, "fraud proof", field, max);
    }

    private static byte[] bytes(JsonFields f, String field, int min, int max) {
        return bytes(f, "fraud proof", field, min, max);
    }

    private static List<byte[]> path(JsonFields f, String field, int max) {
        return path(f, "fraud proof", field, max);
    }

    /** An integer field of the object {@code what} in [0, max]. */
    static int bounded(JsonFields f, String what, String field, int max) {
        long v = f.uint(field);
        if (v > max) throw new IllegalArgumentException(what + "." + field + " must be at most " + max);
        return (int) v;
    }

    /** A lowercase hex field of {@code min..max} bytes. */
    static byte[] bytes(JsonFields f, String what, String field, int min, int max) {
        String s = f.string(field);
        if (s.length() < 2 * min || s.length() > 2 * max || !Hex.isHex(s)) {
            throw new IllegalArgumentException(what + "." + field + " must be " + min + " to " + max
                    + " bytes as lowercase hex");
        }
        return Hex.decode(s);
    }

    /** An array of at most {@code max} SHA-256 hashes in hex. */
    static List<byte[]> path(JsonFields f, String what, String field, int max) {
        JsonNode v = f.raw(field);
        if (!v.isArray() || v.size() > max) {
            throw new IllegalArgumentException(what + "." + field + " must be an array of at most " + max + " hashes");
        }
        List<byte[]> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode h = v.get(i);
            if (!h.isTextual()) throw new IllegalArgumentException(what + "." + field + "[" + i + "] must be a string");
            out.add(Hex.decode(h.textValue(), Sha256.LENGTH, what + "." + field + "[" + i + "]"));
        }
        return out;
    }
}
