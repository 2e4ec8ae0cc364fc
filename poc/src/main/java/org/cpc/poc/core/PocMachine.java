package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.cpc.compute.market.PoolMessage;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.types.TaskStatus;

/**
 * The PoC validator's decisions, as a deterministic state machine in the style of the consensus module's
 * {@code TendermintMachine}: inputs in (a worker's message, a verification's verdict, a synced write, an L1 answer,
 * {@code tick(now)}), {@link Effect}s out (send to a worker, persist, verify, merge). It owns every task, job and
 * worker session; no thread, clock, disk or socket is inside. One thread drives it ({@code PocDriver}); the
 * deterministic simulation ({@code PocSimulation}) drives it with seeded schedules of workers, crashes and L1.
 *
 * <p>The rule that keeps crashes harmless: a state change is written (a {@link Effect.Persist}) before anybody is
 * told of it, and what follows from it (a worker told "accepted", a job counted) happens only once the write is
 * synced ({@link #persisted}). A restart rebuilds the machine from what was synced ({@link #load}).
 *
 * <p>Tasks, what L1 is owed and retention live in {@link TaskBook}; the workers and the queue in {@link Dispatch};
 * what a verified (or refused) output means in {@link Outputs}; this class routes the inputs.
 */
public final class PocMachine {
    /** Largest job output kept in the store with its job's record; larger ones are blob files. */
    public static final int INLINE_OUTPUT_BYTES = 64 * 1024;

    /**
     * The PoC validator's settings, as the machine needs them.
     *
     * @param validator this PoC validator's account address
     * @param duplicateProbability the chance that a verified job is also run by a second worker
     * @param auditWaitMs how long a verified job waits for a duplicate run before its output stands alone
     */
    public record Rules(String validator, int maxJobsPerWorker, long heartbeatMs, long jobTimeoutMs,
                        int maxResultBytes, double duplicateProbability, long auditWaitMs, long authTimeoutMs,
                        int maxPendingL1) {}

    /** What the store held at start: every task record, every job record, every worker record. */
    public record Stored(List<JsonNode> tasks, List<StoredJob> jobs, Map<String, JsonNode> workers) {}

    public record StoredJob(String taskId, int index, JsonNode record) {}

    private final Rules rules;
    private final Outbox out = new Outbox();
    private final Dispatch dispatch;
    private final TaskBook book;
    private final L1Book l1;
    private final FaultBook faults;
    private final Outputs outputs;

    /** @param random draws duplicate runs: seeded in the simulation, a SecureRandom in production */
    public PocMachine(Rules rules, RandomGenerator random) {
        this.rules = rules;
        this.dispatch = new Dispatch(rules, out);
        this.faults = new FaultBook(out);
        this.book = new TaskBook(rules, out, dispatch);
        this.l1 = new L1Book(out, book, dispatch);
        this.outputs = new Outputs(rules, random, out, dispatch, book, faults);
    }

    public Rules rules() {
        return rules;
    }

    TaskBook book() {
        return book;
    }

    // ------------------------------------------------------------------ restart

    /** Rebuilds the state a previous run synced. Call once, before any other input. */
    public List<Effect> load(Stored stored, long nowMs) {
        faults.load(stored.workers());
        book.load(stored, nowMs / 1000);
        l1.load();
        return out.drain();
    }

    /** A write the machine asked for with a token is synced. */
    public List<Effect> persisted(long token, long nowMs) {
        return at(nowMs, () -> out.synced(token));
    }

    public List<Effect> tick(long nowMs) {
        dispatch.tick(nowMs);
        book.tick(nowMs);
        return out.drain();
    }

    // ------------------------------------------------------------------ workers

    public List<Effect> connected(long session, byte[] nonce, long nowMs) {
        return effects(() -> dispatch.connected(session, nonce, nowMs));
    }

    public List<Effect> message(long session, PoolMessage.WorkerMessage m, long nowMs) {
        dispatch.now(nowMs);
        WorkerSession s = dispatch.session(session);
        if (s == null) return List.of(); // already gone
        s.lastSeenMs = nowMs;
        if (!s.authenticated()) {
            if (m instanceof PoolMessage.Hello h) hello(s, h);
            else dispatch.refuse(session, 1008, "the first message must be {\"type\":\"hello\",...} answering the challenge");
            return out.drain();
        }
        switch (m) {
            case PoolMessage.Heartbeat hb -> { }
            case PoolMessage.JobError e -> jobError(s, e);
            case PoolMessage.Hello h -> out.send(session, new PoolMessage.ErrorMessage("hello was said already"));
        }
        return out.drain();
    }

    private void hello(WorkerSession s, PoolMessage.Hello h) {
        byte[] pub;
        try {
            pub = Secp256k1.get().recover(PoolProtocol.authDigest(s.nonce), h.signature());
        } catch (IllegalArgumentException e) {
            dispatch.refuse(s.id, 1008, "authentication failed: " + e.getMessage());
            return;
        }
        String signer = Address.account(pub);
        if (!signer.equals(h.address())) {
            dispatch.refuse(s.id, 1008, "the signature was made by " + signer + ", not by " + h.address());
            return;
        }
        dispatch.authenticated(s, h, pub);
    }

    private void jobError(WorkerSession s, PoolMessage.JobError e) {
        Assignment a = s.inflight.get(e.jobId());
        if (a == null || !dispatch.finish(a)) return;
        a.job().attempts++;
        a.job().lastError = e.error();
        dispatch.release(a);
        dispatch.dispatch();
    }

    /** A message the edge could not decode: the worker is told why and hung up on. */
    public List<Effect> protocolError(long session, int closeCode, String reason) {
        return effects(() -> {
            if (dispatch.session(session) != null) dispatch.refuse(session, closeCode, reason);
        });
    }

    public List<Effect> disconnected(long session, long nowMs) {
        return at(nowMs, () -> dispatch.disconnected(session));
    }

    /** A worker sent a job's output: it is verified (by the edge) before anything is decided. */
    public List<Effect> result(long session, PoolMessage.JobResult r, long nowMs) {
        WorkerSession s = dispatch.session(session);
        if (s == null) return List.of();
        s.lastSeenMs = nowMs;
        if (!s.authenticated()) {
            dispatch.refuse(session, 1008, "authenticate before sending results");
            return out.drain();
        }
        Assignment a = s.inflight.get(r.jobId());
        if (a == null) {
            out.send(session, new PoolMessage.ErrorMessage("job " + r.jobId() + " is not assigned to you (it timed out,"
                    + " was reassigned, or never existed)"));
            return out.drain();
        }
        dispatch.answered(a);
        out.add(new Effect.Verify(a, s.address, s.publicKey, r, a.audit() ? a.job().resultHash : null));
        return out.drain();
    }

    /** The edge checked an output (see {@link Effect.Verify}); {@link Outputs} decides what it means. */
    public List<Effect> verified(Assignment a, Verdict v, long nowMs) {
        return at(nowMs, () -> outputs.verified(a, v, nowMs));
    }

    // ------------------------------------------------------------------ worker standing on L1

    /**
     * The connected workers whose bond and reputation the edge should read from L1 ({@code GET /worker/{address}})
     * and report with {@link #standing}: those never read, or read more than a minute ago.
     */
    public List<String> standingsDue(long nowMs) {
        return dispatch.standingsDue(nowMs);
    }

    /** What L1 says of a connected worker: jobs go to bonded, reputable workers first, and are run twice less often. */
    public List<Effect> standing(String address, WorkerStanding standing, long nowMs) {
        return at(nowMs, () -> dispatch.standing(address, standing));
    }

    // ------------------------------------------------------------------ tasks

    /** A customer's task, checked and published by the REST edge: recorded; {@code synced} runs once it is on disk. */
    public List<Effect> submit(TaskSpec spec, long nowMs, Runnable synced) {
        return at(nowMs, () -> book.submit(spec, nowMs / 1000, synced));
    }

    /** The creator asks to cancel; throws {@link Refused} when the task cannot be. Its jobs stop at once. */
    public List<Effect> beginCancel(String taskId, String sender, long nowMs) {
        return at(nowMs, () -> book.beginCancel(taskId, sender));
    }

    public List<Effect> cancelled(String taskId, String txHash, long nowMs, Runnable synced) {
        return effects(() -> book.cancelled(taskId, txHash, nowMs / 1000, synced));
    }

    public List<Effect> cancelFailed(String taskId, long nowMs) {
        return at(nowMs, () -> book.cancelFailed(taskId));
    }

    public List<Effect> merged(String taskId, String resultHash, long nowMs) {
        return effects(() -> book.merged(taskId, resultHash, nowMs / 1000));
    }

    public List<Effect> mergeFailed(String taskId) {
        return effects(() -> book.mergeFailed(taskId));
    }

    /**
     * One retention pass over the records; {@code synced} runs once the removal is on disk. {@code height} is L1's
     * (-1 when L1 could not be asked: every dispute window is then taken as open).
     */
    public Expired expire(long nowMs, long keepS, long disputeWindow, long height, int budget, Runnable synced) {
        return book.expire(nowMs / 1000, keepS, disputeWindow, height, budget, synced);
    }

    /** The effects an {@link #expire} produced. */
    public List<Effect> drain() {
        return out.drain();
    }

    /** Runs an input at {@code nowMs} (the dispatcher's clock set first) and returns its effects. */
    private List<Effect> at(long nowMs, Runnable input) {
        dispatch.now(nowMs);
        return effects(input);
    }

    /** Runs an input and returns its effects. */
    private List<Effect> effects(Runnable input) {
        input.run();
        return out.drain();
    }

    // ------------------------------------------------------------------ L1

    /** L1's split of a job's share, read by the outbox before it releases any task. */
    public void shares(int workerBps, int pocBps) {
        book.shares(workerBps, pocBps);
    }

    public L1Work.Check l1Check(long nowMs) {
        return l1.check(nowMs);
    }

    /** L1's status of a task the last {@link #l1Check} listed as overdue. */
    public List<Effect> taskOnL1(String taskId, TaskStatus onL1, long nowMs) {
        return effects(() -> l1.taskOnL1(taskId, onL1, nowMs / 1000));
    }

    public List<L1Work.Draft> l1Drafts(long nowMs, int room) {
        return l1.drafts(nowMs, room);
    }

    public List<Effect> taskOnChain(String taskId, long nowMs) {
        return at(nowMs, () -> l1.taskOnChain(taskId));
    }

    public List<Effect> taskRefused(String taskId, String reason, long nowMs) {
        return effects(() -> l1.taskRefused(taskId, reason, nowMs / 1000));
    }

    public List<Effect> l1Recorded(List<L1Work.Built> built, Runnable synced) {
        return effects(() -> l1.recorded(built, synced));
    }

    public List<Effect> l1Refused(L1Work.Ref ref, String reason, long nowMs) {
        return effects(() -> l1.refused(ref, reason, nowMs));
    }

    public List<Effect> l1Dropped(List<L1Work.Ref> refs) {
        return effects(() -> l1.dropped(refs));
    }

    public List<Effect> l1Included(List<L1Work.Ref> refs, long nowMs) {
        return effects(() -> l1.included(refs, nowMs / 1000));
    }

    // ------------------------------------------------------------------ queries

    /** GET /tasks/{id}; {@link Refused} NOT_FOUND for a task this machine does not hold. */
    public ObjectNode task(String taskId) {
        return book.require(taskId).view();
    }

    public ObjectNode list(TaskStatus status, String challengeType, int limit, int offset) {
        return book.list(status, challengeType, limit, offset);
    }

    /** The merged result's blob hash; {@link Refused} when there is none (yet). */
    public String resultHash(String taskId) {
        return book.resultHash(taskId);
    }

    /** The key an accepted job's output is kept under ({@code outputKey}) and the result_hash its worker signed. */
    public record AcceptedOutput(String outputKey, String resultHash) {}

    /** Job {@code index}'s accepted output; {@link Refused} when the task or job is unknown or has none (yet). */
    public AcceptedOutput acceptedOutput(String taskId, int index) {
        Job j = book.acceptedJob(taskId, index);
        return new AcceptedOutput(j.outputHash(), j.resultHash());
    }

    /** A task by id, for the edges that need its type and payload (verification, merging); null when unknown. */
    public Task find(String taskId) {
        return book.tasks.get(taskId);
    }

    /** Every task held, in the order they came (the simulation's checks read them). */
    public Iterable<Task> tasks() {
        return book.all();
    }

    /** Jobs accepted (and synced) since this machine was built. */
    public long jobsAccepted() {
        return book.jobsAccepted();
    }

    /** A worker's record: faults (wrong results) so far; empty for a worker with none. */
    public JsonNode workerRecord(String address) {
        return faults.record(address);
    }

    /** GET /workers: who is connected, with what, running how much. */
    public ObjectNode workers() {
        return dispatch.view();
    }

}
