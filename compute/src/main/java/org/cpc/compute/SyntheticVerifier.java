package org.cpc.compute;

import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.util.List;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.Sha256;

/**
 * Checks a synthetic result without recomputing C: regenerates B and only the k challenged rows of A, multiplies
 * those k rows (O(k·n²) against the worker's O(n³)) and opens each against result_hash with its audit path.
 * Cheap checks run first. Thread-safe; each thread keeps its own buffers, so calls in parallel do not contend.
 */
public final class SyntheticVerifier {
    /** Buffers above this many bytes of B are allocated per call instead of kept per thread. */
    private static final long MAX_CACHED_B = 16L << 20;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final GemmBackend backend;

    /** @param backend the GEMM for the k challenged rows; give it 1 thread and verify in parallel instead */
    public SyntheticVerifier(GemmBackend backend) {
        this.backend = backend;
    }

    public Verification verify(String blockHash, String workerAddress, int n, int k, String taskId,
            String resultHash, String proof) {
        SyntheticTask task;
        try {
            task = SyntheticTask.of(blockHash, workerAddress, n, k);
        } catch (IllegalArgumentException e) {
            return Verification.failure(e.getMessage());
        }
        if (!task.taskId().equals(taskId)) {
            return Verification.failure("task_id " + taskId + " does not match the seed of block " + blockHash
                    + " and worker " + workerAddress + ": expected " + task.taskId());
        }
        byte[] root;
        try {
            root = Hex.decode(resultHash, Sha256.LENGTH, "result_hash");
        } catch (IllegalArgumentException e) {
            return Verification.failure(e.getMessage());
        }
        int[] rows = Challenge.rows(root, taskId, n, k);
        int expected = SyntheticProof.byteLength(rows, n);
        if (proof == null) return Verification.failure("proof is missing");
        if (proof.length() % 2 != 0) {
            return Verification.failure("proof has an odd number of hex characters (" + proof.length() + ")");
        }
        if (proof.length() != 2 * expected) {
            return Verification.failure("proof is " + proof.length() / 2 + " bytes, expected " + expected + " for "
                    + k + " rows of a " + n + "-row tree");
        }
        if (!Hex.isHex(proof)) return Verification.failure("proof is not lowercase hex");
        return openRows(task, root, rows, Hex.decode(proof));
    }

    private Verification openRows(SyntheticTask task, byte[] root, int[] rows, byte[] proof) {
        int n = task.n();
        int k = rows.length;
        Scratch s = SCRATCH.get();
        byte[] b = s.b((long) n * n);
        byte[] a = s.a(k * n);
        int[] c = s.c(k * n);
        MatrixGenerator.generateRows(task.seedUnsafe(), MatrixGenerator.Operand.B, n, 0, n, b, 0);
        for (int j = 0; j < k; j++) {
            MatrixGenerator.generateRows(task.seedUnsafe(), MatrixGenerator.Operand.A, n, rows[j], rows[j] + 1, a, j * n);
        }
        MemorySegment cs = MemorySegment.ofArray(c);
        backend.gemm(MemorySegment.ofArray(a), MemorySegment.ofArray(b), cs, k, n, n);
        int offset = 0;
        for (int j = 0; j < k; j++) {
            int length = Merkle.pathLength(rows[j], n);
            List<byte[]> path = SyntheticProof.path(proof, offset, length);
            offset += length * Sha256.LENGTH;
            byte[] opened = Merkle.rootFromPath(RowCommitment.leafHash(cs, j, n), rows[j], n, path);
            if (opened == null || !MessageDigest.isEqual(opened, root)) {
                return Verification.failure("row " + rows[j] + " (challenge " + (j + 1) + " of " + k
                        + ") does not open to result_hash: its recomputed value and audit path give a different root");
            }
        }
        return Verification.OK;
    }

    /** Per-thread buffers for B, the challenged rows of A and their products. */
    private static final class Scratch {
        private byte[] b = new byte[0];
        private byte[] a = new byte[0];
        private int[] c = new int[0];

        byte[] b(long size) {
            if (size > MAX_CACHED_B) return new byte[(int) size];
            if (b.length < size) b = new byte[(int) size];
            return b;
        }

        byte[] a(int size) {
            if (a.length < size) a = new byte[size];
            return a;
        }

        int[] c(int size) {
            if (c.length < size) c = new int[size];
            return c;
        }
    }
}
