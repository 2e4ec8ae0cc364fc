package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import org.cpc.compute.market.ChallengeType;
import org.cpc.http.ApiException;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.TaskSpec;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.TaskStatus;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer's side of the Task Market: {@code POST /tasks} (a signed CREATE_TASK, checked, published on L1,
 * recorded) and {@code POST /tasks/{id}/cancel} (a signed CANCEL_TASK). The checks that need the blobs or L1 happen
 * here, on the request's thread; what the PoC validator decides is the {@link PocMachine}'s.
 */
final class TaskIntake {
    private static final Logger log = LoggerFactory.getLogger(TaskIntake.class);

    private final PocDriver driver;
    private final BlobStore blobs;
    private final Ledger ledger;
    private final PocConfig config;

    TaskIntake(PocDriver driver, BlobStore blobs, Ledger ledger, PocConfig config) {
        this.driver = driver;
        this.blobs = blobs;
        this.ledger = ledger;
        this.config = config;
    }

    /**
     * What {@code POST /tasks} answers: 201 when L1 took the CREATE_TASK into its mempool, 202 when the node could not
     * be asked or did not answer and the PoC validator keeps publishing it.
     */
    record Created(int status, ObjectNode body) {}

    /** POST /tasks: answered once the task is on disk; its jobs go to workers once L1 includes the CREATE_TASK. */
    Created create(JsonNode body) {
        Transaction tx = signed(body, TxType.CREATE_TASK);
        ComputeTask ct;
        try {
            ct = ComputeTask.fromJson(tx.payload());
        } catch (RuntimeException e) {
            throw new ApiException(400, "the transaction's payload must be a ComputeTask: " + e.getMessage());
        }
        ChallengeType type = ChallengeType.named(ct.challengeType()).orElseThrow(() -> new ApiException(400,
                "unknown challenge_type '" + ct.challengeType() + "'; this PoC validator runs: " + ChallengeType.KNOWN));
        try {
            type.validatePayload(ct.payload());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        if (!tx.amount().equals(ct.reward())) {
            throw new ApiException(400, "the transaction's amount (" + tx.amount() + " wei) must equal the task's reward ("
                    + ct.reward() + " wei): the amount is the escrow");
        }
        if (ct.reward().signum() <= 0) throw new ApiException(400, "the reward must be positive");
        long now = driver.now() / 1000;
        if (ct.deadline() <= now) {
            throw new ApiException(400, "the deadline " + ct.deadline() + " is not in the future (now " + now + ")");
        }
        // Touched first: retention then keeps them a whole grace period, long enough for the task to be recorded.
        for (String in : type.inputBlobs(ct.payload())) blobs.touch(in);
        try {
            type.checkInputs(ct.payload(), blobs::size);
            type.checkInputContents(ct.payload(), blobs);
        } catch (IllegalArgumentException e) {
            throw new ApiException(422, e.getMessage());
        }
        long biggestJob = type.maxOutputBytes(ct.payload(), 0);
        if (biggestJob > config.maxResultBytes()) {
            throw new ApiException(422, "a job of this task returns " + biggestJob + " bytes; this PoC validator takes at"
                    + " most " + config.maxResultBytes() + " bytes per job result (lower rows_per_job or samples_per_job)");
        }
        if (PocDriver.await(driver.call(m -> m.find(ct.taskId()) != null))) {
            throw new ApiException(409, "task " + ct.taskId() + " exists already");
        }
        String unconfirmed = null;
        try {
            if (ledger.send(tx) instanceof Ledger.Sent.Rejected r) {
                throw new ApiException(422, "L1 refused the CREATE_TASK: " + r.reason());
            }
        } catch (Ledger.Unavailable e) {
            // The node may have taken the transaction before the connection broke (the chaos scenario saw a task
            // answered 503 reach L1 anyway, its escrow then locked to the deadline with no worker given its jobs).
            // So the task is kept as publishing whatever happened: the L1 outbox asks L1 for the CREATE_TASK and
            // sends it again until L1 includes it (the jobs go out) or refuses it (the task fails).
            unconfirmed = e.getMessage();
        }
        TaskSpec spec = new TaskSpec(ct.taskId(), tx.fromAddress(), type, ct.payload(), ct.reward(), ct.deadline(),
                tx.toJson(), tx.hashHex());
        CompletableFuture<Void> written = new CompletableFuture<>();
        PocDriver.await(driver.input(m -> m.submit(spec, driver.now(), () -> written.complete(null))));
        PocDriver.await(written); // the customer hears of the task once it is on disk
        int jobs = type.jobCount(ct.payload());
        if (unconfirmed == null) {
            log.info("task {} ({} jobs of {}, reward {} wei) published by {}", ct.taskId(), jobs, type.name(),
                    ct.reward(), tx.fromAddress());
        } else {
            log.warn("task {} of {} recorded, but L1 could not be asked to take its CREATE_TASK ({}): it is published"
                    + " when L1 answers", ct.taskId(), tx.fromAddress(), unconfirmed);
        }
        ObjectNode o = Json.object();
        o.put("task_id", ct.taskId());
        o.put("status", TaskStatus.PUBLISHING.wire()); // as recorded: L1 may have included it meanwhile
        o.put("created_at", now);
        o.put("tx_hash", tx.hashHex());
        o.put("jobs_total", jobs);
        if (unconfirmed == null) return new Created(201, o);
        o.put("note", "the L1 node could not be reached (" + unconfirmed + "); the task is recorded and this PoC"
                + " validator sends its CREATE_TASK again until L1 includes it (status pending) or refuses it (status"
                + " failed, with the reason)");
        return new Created(202, o);
    }

    /**
     * POST /tasks/{id}/cancel: the creator's signed CANCEL_TASK. L1 takes it only while no job result is on chain, so
     * this PoC validator takes it only while it has accepted none: it stops the task's jobs first (a result arriving
     * meanwhile is not accepted), then forwards the transaction; if L1 refuses, the task goes on as before.
     */
    ObjectNode cancel(String taskId, JsonNode body) {
        Transaction tx = signed(body, TxType.CANCEL_TASK);
        if (!taskId.equals(tx.payload() == null ? null : tx.payload().path("task_id").asText(null))) {
            throw new ApiException(400, "the CANCEL_TASK's payload must be {\"task_id\":\"" + taskId + "\"}");
        }
        PocDriver.await(driver.input(m -> m.beginCancel(taskId, tx.fromAddress(), driver.now())));
        Ledger.Sent sent;
        try {
            sent = ledger.send(tx);
        } catch (Ledger.Unavailable e) {
            driver.post(m -> m.cancelFailed(taskId, driver.now()));
            throw new ApiException(503, "the L1 node cannot be reached to cancel the task: " + e.getMessage());
        }
        if (sent instanceof Ledger.Sent.Rejected r) {
            driver.post(m -> m.cancelFailed(taskId, driver.now()));
            throw new ApiException(422, "L1 refused the CANCEL_TASK: " + r.reason());
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        PocDriver.await(driver.input(m -> m.cancelled(taskId, tx.hashHex(), driver.now(), () -> written.complete(null))));
        PocDriver.await(written);
        log.info("task {} cancelled by {}", taskId, tx.fromAddress());
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("status", TaskStatus.CANCELLED.wire());
        o.put("tx_hash", tx.hashHex());
        return o;
    }

    private static Transaction signed(JsonNode body, TxType type) {
        Transaction tx;
        try {
            tx = Transaction.fromJson(body);
        } catch (RuntimeException e) {
            throw new ApiException(400, "the body must be a signed " + type + " transaction: " + e.getMessage());
        }
        if (tx.txType() != type) throw new ApiException(400, "the body must be a " + type + " transaction, not " + tx.txType());
        return tx;
    }
}
