package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.TreeSet;
import org.cpc.compute.market.ChallengeType;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.TaskStatus;

/** A market task as the PoC validator tracks it, owned by the {@link PocMachine}. */
public final class Task {
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
    final Job[] jobs;
    TaskStatus status = TaskStatus.PUBLISHING;
    String resultHash;
    String error;
    /** When (unix seconds, machine time) the task became completed, failed or cancelled; 0 while open. */
    long endedAt;
    /**
     * The L1 height from which the task's dispute window counts: the first one a retention sweep saw after the task
     * ended (L1 ended it at that height or before); 0 until then.
     */
    long disputeFrom;
    int accepted;
    int included;
    /** Not persisted: a merge of the outputs is under way. */
    boolean merging;
    /**
     * Not persisted: the creator's CANCEL_TASK is with L1; no job is handed out or accepted meanwhile. After a
     * restart the task simply runs again, and L1's answer to the cancel decides.
     */
    boolean cancelling;

    Task(String taskId, String creator, ChallengeType type, ObjectNode payload, BigInteger reward, long deadline,
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
        this.jobs = new Job[type.jobCount(payload)];
        for (int i = 0; i < jobs.length; i++) jobs[i] = new Job(this, i);
    }

    public String taskId() {
        return taskId;
    }

    public String creator() {
        return creator;
    }

    public ChallengeType type() {
        return type;
    }

    public ObjectNode payload() {
        return payload;
    }

    public BigInteger reward() {
        return reward;
    }

    public long deadline() {
        return deadline;
    }

    public TaskStatus status() {
        return status;
    }

    public String resultHash() {
        return resultHash;
    }

    public int jobCount() {
        return jobs.length;
    }

    public Job job(int index) {
        return jobs[index];
    }

    public int accepted() {
        return accepted;
    }

    public int included() {
        return included;
    }

    void move(TaskStatus to) {
        status = status.moveTo(to);
    }

    /** Jobs may be handed out (and their results accepted): the CREATE_TASK is on chain and the task not over. */
    boolean running() {
        return status.open();
    }

    /** Not yet final: publishing, pending or in progress. */
    boolean live() {
        return !status.isFinal();
    }

    /** The per-job reward before L1's split: reward / jobs. */
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
        o.put("status", status.wire());
        if (resultHash == null) o.putNull("result_hash"); else o.put("result_hash", resultHash);
        if (error == null) o.putNull("error"); else o.put("error", error);
        o.put("ended_at", endedAt);
        if (disputeFrom > 0) o.put("dispute_from_height", disputeFrom);
        o.put("vocabulary", 2);
        return o;
    }

    static Task fromRecord(JsonNode o) {
        Task t = new Task(o.get("task_id").textValue(), o.get("creator").textValue(),
                ChallengeType.require(o.get("challenge_type").textValue()), (ObjectNode) o.get("payload"),
                new BigInteger(o.get("reward").textValue()), o.get("deadline").longValue(),
                o.get("created_at").longValue(), o.get("create_tx"), o.get("create_tx_hash").textValue());
        t.status = statusOf(o.get("status").textValue(), o);
        t.resultHash = o.path("result_hash").textValue();
        t.error = o.path("error").textValue();
        t.endedAt = o.path("ended_at").asLong();
        t.disputeFrom = o.path("dispute_from_height").asLong();
        return t;
    }

    /**
     * Records written before the Task Market and L1 shared one vocabulary said {@code pending} for "not on chain yet"
     * and {@code in_progress} for "on chain": read them in today's words (jobs fix pending/in_progress on load).
     */
    private static TaskStatus statusOf(String wire, JsonNode record) {
        if (record.has("vocabulary")) return TaskStatus.ofWire(wire);
        return switch (wire) {
            case "pending" -> TaskStatus.PUBLISHING;
            case "in_progress" -> TaskStatus.PENDING;
            default -> TaskStatus.ofWire(wire);
        };
    }

    /** The public view: GET /tasks/{task_id}. */
    public ObjectNode view() {
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("status", status.wire());
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
        for (Job j : jobs) if (j.worker != null && j.status.counts()) workers.add(j.worker);
        ArrayNode w = o.putArray("workers");
        workers.forEach(w::add);
        if (endedAt > 0) o.put("ended_at", endedAt);
        ArrayNode audits = o.putArray("audit_payments");
        for (Job j : jobs) {
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
