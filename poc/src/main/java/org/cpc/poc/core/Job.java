package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.Set;
import org.cpc.protocol.codec.Json;

/** One job of a task, owned by the {@link PocMachine} (not thread-safe: only the machine's thread touches it). */
public final class Job {
    final Task task;
    final int index;
    JobStatus status = JobStatus.QUEUED;
    /** The worker whose output was accepted (or is being audited). */
    String worker;
    /**
     * The key the accepted output is kept under: its {@link #resultHash}; in records written before outputs were
     * keyed by their commitment, the output's SHA-256 (see {@code JobOutputs}).
     */
    String outputHash;
    /**
     * The output's result_hash as its challenge type commits to it (matmul: the row root a fraud proof opens): what
     * the worker signed and the SUBMIT_RESULT carries.
     */
    String resultHash;
    /** The output's bytes are a record in the store (small), not a blob file; retention deletes the record. */
    boolean outputInline;
    String signature;
    /** Workers that must not get this job: they returned a wrong output, or ran it already (for an audit). */
    final Set<String> excluded = new LinkedHashSet<>();
    int attempts;
    /** The signed SUBMIT_RESULT, once built; re-sent as is until included. */
    JsonNode tx;
    String txHash;
    String lastError;
    /** The second worker whose duplicate run agreed; the PoC validator pays it once the SUBMIT_RESULT is included. */
    String auditor;
    /** What {@link #auditor} is paid, fixed when its run agreed. */
    BigInteger payWei;
    /** The signed TRANSFER paying {@link #auditor}, once built; re-sent as is until included. */
    JsonNode payTx;
    String payTxHash;
    boolean paid;
    /** Not persisted: where the job runs now. */
    Assignment assignment;
    /** Not persisted: when (machine time, ms) L1 may be tried again after it refused this job's transaction. */
    long retryAtMs;
    /** Not persisted: when (machine time, ms) the job started waiting for a duplicate run. */
    long auditSinceMs;

    Job(Task task, int index) {
        this.task = task;
        this.index = index;
    }

    public String id() {
        return task.taskId + "/" + index;
    }

    public Task task() {
        return task;
    }

    public int index() {
        return index;
    }

    public JobStatus status() {
        return status;
    }

    public String worker() {
        return worker;
    }

    public String outputHash() {
        return outputHash;
    }

    public String resultHash() {
        return resultHash;
    }

    public String signature() {
        return signature;
    }

    public String auditor() {
        return auditor;
    }

    public BigInteger payWei() {
        return payWei;
    }

    public boolean paid() {
        return paid;
    }

    void move(JobStatus to) {
        status = status.moveTo(to);
    }

    /** Whether the agreeing duplicate worker is still to be paid: its SUBMIT_RESULT is in, the TRANSFER not. */
    boolean owesPay() {
        return auditor != null && !paid && status == JobStatus.INCLUDED;
    }

    ObjectNode toRecord() {
        ObjectNode o = Json.object();
        o.put("status", (status == JobStatus.ASSIGNED ? JobStatus.QUEUED : status).wire());
        put(o, "worker", worker);
        put(o, "output_hash", outputHash);
        if (outputInline) o.put("output_inline", true);
        put(o, "result_hash", resultHash);
        put(o, "signature", signature);
        ArrayNode ex = o.putArray("excluded");
        excluded.forEach(ex::add);
        o.put("attempts", attempts);
        if (tx == null) o.putNull("tx"); else o.set("tx", tx);
        put(o, "tx_hash", txHash);
        put(o, "last_error", lastError);
        if (auditor != null) {
            o.put("auditor", auditor);
            o.put("pay_wei", payWei.toString());
            if (payTx == null) o.putNull("pay_tx"); else o.set("pay_tx", payTx);
            put(o, "pay_tx_hash", payTxHash);
            o.put("paid", paid);
        }
        return o;
    }

    void load(JsonNode o) {
        status = JobStatus.ofWire(o.get("status").textValue());
        worker = o.path("worker").textValue();
        outputHash = o.path("output_hash").textValue();
        // Records from before this field: assume inline; deleting a key that holds nothing is harmless.
        outputInline = outputHash != null && o.path("output_inline").asBoolean(true);
        // Records from before the field: the result_hash was the output's SHA-256.
        resultHash = o.hasNonNull("result_hash") ? o.get("result_hash").textValue() : outputHash;
        signature = o.path("signature").textValue();
        o.path("excluded").forEach(e -> excluded.add(e.textValue()));
        attempts = o.path("attempts").intValue();
        tx = o.path("tx").isObject() ? o.get("tx") : null;
        txHash = o.path("tx_hash").textValue();
        lastError = o.path("last_error").textValue();
        auditor = o.path("auditor").textValue();
        payWei = auditor == null ? null : new BigInteger(o.get("pay_wei").textValue());
        payTx = o.path("pay_tx").isObject() ? o.get("pay_tx") : null;
        payTxHash = o.path("pay_tx_hash").textValue();
        paid = o.path("paid").booleanValue();
    }

    private static void put(ObjectNode o, String k, String v) {
        if (v == null) o.putNull(k); else o.put(k, v);
    }
}
