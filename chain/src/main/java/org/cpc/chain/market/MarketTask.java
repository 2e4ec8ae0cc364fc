package org.cpc.chain.market;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;
import org.cpc.protocol.types.TaskStatus;

/**
 * A market task as L1 keeps it (state key space 0x05). The payload itself lives beside it (0x07), immutable; this
 * record holds its SHA-256 so that a job result never rewrites the payload.
 *
 * @param payloadHash hex SHA-256 of the JCS of ComputeTask.payload
 * @param reward the escrowed reward, wei
 * @param escrowLeft what the task still holds, wei: reward minus the shares of accepted jobs; 0 once final
 * @param deadline unix seconds
 * @param createdHeight height of the block whose CREATE_TASK made it
 */
public record MarketTask(String taskId, String creator, String challengeType, String payloadHash, BigInteger reward,
                         BigInteger escrowLeft, long deadline, int jobsTotal, int jobsDone, TaskStatus status,
                         long createdHeight) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("task_id", "creator", "challenge_type", "payload_hash", "reward",
            "escrow_left", "deadline", "jobs_total", "jobs_done", "status", "created_height");

    public MarketTask with(BigInteger escrowLeft, int jobsDone, TaskStatus status) {
        return new MarketTask(taskId, creator, challengeType, payloadHash, reward, escrowLeft, deadline, jobsTotal,
                jobsDone, status, createdHeight);
    }

    public static MarketTask decode(byte[] v) {
        return JsonStateValue.decode(v, "task", FIELDS, f -> new MarketTask(f.string("task_id"), f.string("creator"),
                f.string("challenge_type"), f.string("payload_hash"), f.wei("reward"), f.wei("escrow_left"),
                f.uint("deadline"), Math.toIntExact(f.uint("jobs_total")), Math.toIntExact(f.uint("jobs_done")),
                TaskStatus.ofWire(f.string("status")), f.uint("created_height")));
    }
}
