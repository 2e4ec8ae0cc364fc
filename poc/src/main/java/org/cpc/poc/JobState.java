package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.Set;
import org.cpc.protocol.codec.Json;

/** One job of a task. Guarded by the {@link Market}'s lock. */
final class JobState {
    /** Waiting for a worker (or not yet released: the task's CREATE_TASK is not on chain). */
    static final String QUEUED = "queued";
    static final String ASSIGNED = "assigned";
    /** Verified once; waiting for a second worker's duplicate run to agree. */
    static final String AUDITING = "auditing";
    /** Verified and counted; its SUBMIT_RESULT is on its way to L1. */
    static final String ACCEPTED = "accepted";
    /** Its SUBMIT_RESULT is in a block. */
    static final String INCLUDED = "included";

    final TaskState task;
    final int index;
    String status = QUEUED;
    /** The worker whose output was accepted (or is being audited). */
    String worker;
    String outputHash;
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
    Market.Assignment assignment;
    long nextTryNanos;

    JobState(TaskState task, int index) {
        this.task = task;
        this.index = index;
    }

    String id() {
        return task.taskId + "/" + index;
    }

    boolean isAccepted() {
        return status.equals(ACCEPTED) || status.equals(INCLUDED);
    }

    ObjectNode toRecord() {
        ObjectNode o = Json.object();
        o.put("status", status.equals(ASSIGNED) ? QUEUED : status);
        put(o, "worker", worker);
        put(o, "output_hash", outputHash);
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
        status = o.get("status").textValue();
        worker = o.path("worker").textValue();
        outputHash = o.path("output_hash").textValue();
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
