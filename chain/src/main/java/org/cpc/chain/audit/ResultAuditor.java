package org.cpc.chain.audit;

import java.util.concurrent.ConcurrentHashMap;
import org.cpc.compute.SyntheticAudit;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.params.NetworkParams;

/**
 * Recomputes synthetic results in full for the chain ({@link SyntheticAudit}) on the CPU backend, one thread per
 * call (oneDNN where installed, else pure Java: both exact, so every node reaches the same verdict), and remembers
 * verdicts by (task_id, result_hash): a block built, validated and committed by this node recomputes each result
 * once. A memo only: the verdict is a function of the record alone.
 */
public final class ResultAuditor {
    private static final int MEMO = 4096;
    private final SyntheticAudit audit = new SyntheticAudit(() -> Backends.select("cpu", 1).gemm());
    private final ConcurrentHashMap<String, Verification> memo = new ConcurrentHashMap<>();

    Verification audit(ResultAudit r, NetworkParams p) {
        String key = r.taskId() + ":" + r.resultHash();
        Verification v = memo.get(key);
        if (v != null) return v;
        v = audit.audit(r.sourceHash(), r.workerAddress(), p.syntheticMatrixSize(), p.syntheticSpotChecks(),
                r.taskId(), r.resultHash());
        if (memo.size() >= MEMO) memo.clear();
        memo.put(key, v);
        return v;
    }
}
