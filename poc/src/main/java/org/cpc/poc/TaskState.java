package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.TreeSet;
import org.cpc.compute.market.ChallengeType;
import org.cpc.compute.market.JobVerifier;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;

/** A market task as the PoC validator tracks it. Guarded by the {@link Market}'s lock. */
final class TaskState {
    static final String PENDING = "pending";
    static final String IN_PROGRESS = "in_progress";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String CANCELLED = "cancelled";

    final String taskId;
    final String creator;
    final ChallengeType type;
    final ObjectNode payload;
    final BigInteger reward;
    final long deadline;
    final long createdAt;
    /** The customer's signed CREATE_TASK, kept so it can be re-sent until included. */
    final JsonNode createTx;
    final String createTxHash;
    final JobState[] jobs;
    String status;
    String resultHash;
    String error;
    /** When (epoch seconds, the market's clock) the task became completed, failed or cancelled; 0 while open. */
    long endedAt;
    int accepted;
    int included;
    JobVerifier verifier;

    TaskState(String taskId, String creator, ChallengeType type, ObjectNode payload, BigInteger reward, long deadline,
              long createdAt, JsonNode createTx, String createTxHash) {
        this.taskId = taskId;
        this.creator = creator;
        this.type = type;
        this.payload = payload;
        this.reward = reward;
        this.deadline = deadline;
        this.createdAt = createdAt;
        this.createTx = createTx;
        this.createTxHash = createTxHash;
        this.jobs = new JobState[type.jobCount(payload)];
        for (int i = 0; i < jobs.length; i++) jobs[i] = new JobState(this, i);
        this.status = PENDING;
    }

    boolean open() {
        return status.equals(PENDING) || status.equals(IN_PROGRESS);
    }

    /** The per-job reward before the L1's split: reward / jobs. */
    BigInteger jobReward() {
        return reward.divide(BigInteger.valueOf(jobs.length));
    }

    ObjectNode toRecord() {
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("creator", creator);
        o.put("challenge_type", type.name());
        o.set("payload", payload);
        o.put("reward", reward.toString());
        o.put("deadline", deadline);
        o.put("created_at", createdAt);
        o.set("create_tx", createTx);
        o.put("create_tx_hash", createTxHash);
        o.put("status", status);
        if (resultHash == null) o.putNull("result_hash"); else o.put("result_hash", resultHash);
        if (error == null) o.putNull("error"); else o.put("error", error);
        o.put("ended_at", endedAt);
        return o;
    }

    static TaskState fromRecord(JsonNode o) {
        TaskState t = new TaskState(o.get("task_id").textValue(), o.get("creator").textValue(),
                ChallengeType.require(o.get("challenge_type").textValue()), (ObjectNode) o.get("payload"),
                new BigInteger(o.get("reward").textValue()), o.get("deadline").longValue(),
                o.get("created_at").longValue(), o.get("create_tx"), o.get("create_tx_hash").textValue());
        t.status = o.get("status").textValue();
        t.resultHash = o.path("result_hash").textValue();
        t.error = o.path("error").textValue();
        t.endedAt = o.path("ended_at").asLong();
        return t;
    }

    /** The public view: GET /tasks/{task_id}. */
    ObjectNode view() {
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("status", status);
        o.put("challenge_type", type.name());
        o.set("payload", payload);
        o.put("creator", creator);
        o.put("reward", Amounts.formatCpc(reward));
        o.put("reward_wei", reward.toString());
        o.put("deadline", deadline);
        o.put("created_at", createdAt);
        o.put("create_tx_hash", createTxHash);
        o.put("jobs_total", jobs.length);
        o.put("jobs_done", accepted);
        o.put("jobs_on_chain", included);
        if (resultHash != null) {
            o.put("result_hash", resultHash);
            o.put("result_url", "/tasks/" + taskId + "/result");
        }
        if (error != null) o.put("error", error);
        TreeSet<String> workers = new TreeSet<>();
        for (JobState j : jobs) if (j.worker != null && j.isAccepted()) workers.add(j.worker);
        ArrayNode w = o.putArray("workers");
        workers.forEach(w::add);
        if (endedAt > 0) o.put("ended_at", endedAt);
        ArrayNode audits = o.putArray("audit_payments");
        for (JobState j : jobs) {
            if (j.auditor == null) continue;
            ObjectNode a = audits.addObject();
            a.put("job", j.index);
            a.put("worker", j.auditor);
            a.put("amount", Amounts.formatCpc(j.payWei));
            a.put("amount_wei", j.payWei.toString());
            a.put("status", j.paid ? "paid" : "owed");
            if (j.payTxHash != null) a.put("tx_hash", j.payTxHash);
        }
        return o;
    }
}
