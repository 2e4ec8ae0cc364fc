package org.cpc.chain.audit;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;

/**
 * A synthetic result as the audits see it (key space 0x33, id = task_id): what a full recomputation needs (the
 * source block's hash, the worker, the claimed root), when it was included and what it was paid, and the audit's
 * outcome once there is one. Written when the result's block finishes, kept for good: the outcome is how anyone
 * learns that a result was audited, and the record is what makes a second challenge a duplicate.
 *
 * @param height the block that included the result (the challenge window counts from it)
 * @param reward the wei its block paid the worker for it (what a failed audit takes back)
 * @param by "random" or "challenge" once audited or queued ("" before)
 * @param challenger the CHALLENGE_RESULT's sender ("" for a random audit or none)
 * @param auditedHeight the block whose execution recomputed it (0 before)
 * @param reason why a failed result is wrong ("" otherwise)
 * @param taken wei taken from the worker's bond (and its unbonding entries) by the failed audit's slash
 * @param bounty of those, wei paid to the challenger
 * @param burned of those, wei burned (the rest)
 */
public record ResultAudit(String taskId, String workerAddress, String sourceHash, long sourceHeight,
                          String resultHash, long height, BigInteger reward, AuditStatus status, String by,
                          String challenger, long auditedHeight, String reason, BigInteger taken, BigInteger bounty,
                          BigInteger burned) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("task_id", "worker_address", "source_hash", "source_height",
            "result_hash", "height", "reward", "status", "by", "challenger", "audited_height", "reason", "taken",
            "bounty", "burned");
    public static final String RANDOM = "random", CHALLENGE = "challenge";

    /** A result just accepted, not audited, its reward not known until its block finishes. */
    static ResultAudit of(String taskId, String worker, String sourceHash, long sourceHeight, String resultHash,
                          long height) {
        return new ResultAudit(taskId, worker, sourceHash, sourceHeight, resultHash, height, BigInteger.ZERO,
                AuditStatus.UNAUDITED, "", "", 0, "", BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    }

    ResultAudit paid(BigInteger wei) {
        return new ResultAudit(taskId, workerAddress, sourceHash, sourceHeight, resultHash, height, wei, status, by,
                challenger, auditedHeight, reason, taken, bounty, burned);
    }

    ResultAudit queued() {
        return new ResultAudit(taskId, workerAddress, sourceHash, sourceHeight, resultHash, height, reward,
                AuditStatus.QUEUED, RANDOM, "", 0, "", BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    }

    ResultAudit passed(String how, String challenger, long at) {
        return new ResultAudit(taskId, workerAddress, sourceHash, sourceHeight, resultHash, height, reward,
                AuditStatus.PASSED, how, challenger, at, "", BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    }

    ResultAudit failed(String how, String challenger, long at, String why, BigInteger tk, BigInteger bo,
                       BigInteger bu) {
        return new ResultAudit(taskId, workerAddress, sourceHash, sourceHeight, resultHash, height, reward,
                AuditStatus.FAILED, how, challenger, at, why, tk, bo, bu);
    }

    public static ResultAudit decode(byte[] v) {
        return JsonStateValue.decode(v, "result audit", FIELDS, f -> new ResultAudit(f.string("task_id"),
                f.string("worker_address"), f.string("source_hash"), f.uint("source_height"), f.string("result_hash"),
                f.uint("height"), f.wei("reward"), AuditStatus.parse(f.string("status")), f.string("by"),
                f.string("challenger"), f.uint("audited_height"), f.string("reason"), f.wei("taken"), f.wei("bounty"),
                f.wei("burned")));
    }
}
