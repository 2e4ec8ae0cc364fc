package org.cpc.compute;

import java.security.MessageDigest;
import java.util.function.Supplier;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * The full audit of a synthetic result: recomputes the whole of C = A·B and its row commitment, exactly as the
 * worker should have ({@link SyntheticProver}, the one place of steps 3 to 5), and compares the root with
 * {@code result_hash}. O(n³), where the spot check ({@link SyntheticVerifier}) is O(k·n²): it catches a result with
 * any wrong entry, even one whose wrong rows dodged the k challenged ones. Thread-safe: each thread keeps its own
 * prover and matrices (6 MiB at n = 1024).
 */
public final class SyntheticAudit {
    private final ThreadLocal<SyntheticProver> provers;

    /** @param backend makes the GEMM of one thread's prover (give it 1 thread; audits run in parallel instead) */
    public SyntheticAudit(Supplier<GemmBackend> backend) {
        this.provers = ThreadLocal.withInitial(() -> new SyntheticProver(backend.get()));
    }

    /**
     * Whether {@code resultHash} is the root of the product of the task of {@code blockHash} and
     * {@code workerAddress}; on failure, why, in words a person can check.
     */
    public Verification audit(String blockHash, String workerAddress, int n, int k, String taskId, String resultHash) {
        SyntheticTask task;
        byte[] claimed;
        try {
            task = SyntheticTask.of(blockHash, workerAddress, n, k);
            claimed = Hex.decode(resultHash, Sha256.LENGTH, "result_hash");
        } catch (IllegalArgumentException e) {
            return Verification.failure(e.getMessage());
        }
        if (!task.taskId().equals(taskId)) {
            return Verification.failure("task_id " + taskId + " is not the task of block " + blockHash + " and worker "
                    + workerAddress + " (expected " + task.taskId() + ")");
        }
        byte[] root = provers.get().commit(task, new long[4]).root();
        if (MessageDigest.isEqual(root, claimed)) return Verification.OK;
        return Verification.failure("result_hash " + resultHash + " is not the root of the recomputed C (its root is "
                + Hex.encode(root) + "): at least one row of the result is wrong");
    }
}
