package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.TaskStatus;

/**
 * The tasks of the {@link PocMachine}: their lifecycle (publishing, running, deadline, cancel, merge, completion),
 * what the PoC validator's share of a job pays, and which blobs they keep alive. What L1 is owed is in
 * {@link L1Book}; both are part of the machine (same thread, same outbox).
 */
final class TaskBook {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private final PocMachine.Rules rules;
    private final Outbox out;
    private final Dispatch dispatch;
    final Map<String, Task> tasks = new LinkedHashMap<>();
    /**
     * How many kept jobs and tasks use each output and merged result (by hash): retention deletes an output record or
     * a blob only when nothing kept refers to it (outputs are content-addressed, so two tasks may share one). Only
     * looked up, never iterated.
     */
    private final Map<String, Integer> refs = new HashMap<>();
    private long jobsAccepted;
    /** L1's split of a job's share, in basis points; null until the L1 outbox has read L1's parameters. */
    private Integer workerBps;
    private Integer pocBps;

    TaskBook(PocMachine.Rules rules, Outbox out, Dispatch dispatch) {
        this.rules = rules;
        this.out = out;
        this.dispatch = dispatch;
    }

    void load(PocMachine.Stored stored, long nowS) {
        for (JsonNode r : stored.tasks()) {
            Task t = Task.fromRecord(r);
            tasks.put(t.taskId, t);
        }
        for (PocMachine.StoredJob sj : stored.jobs()) {
            Task t = tasks.get(sj.taskId());
            if (t != null && sj.index() >= 0 && sj.index() < t.jobs.length) t.jobs[sj.index()].load(sj.record());
        }
        for (Task t : tasks.values()) {
            for (Job j : t.jobs) {
                if (j.status.counts()) t.accepted++;
                if (j.status == JobStatus.INCLUDED) t.included++;
                if (j.status == JobStatus.QUEUED || j.status == JobStatus.AUDITING) dispatch.requeue(j);
                if (j.outputHash != null) ref(j.outputHash);
            }
            if (t.resultHash != null) ref(t.resultHash);
            boolean fix = false;
            if (t.status == TaskStatus.PENDING && t.accepted > 0) {
                t.move(TaskStatus.IN_PROGRESS); // a record from before the shared vocabulary
                fix = true;
            }
            if (t.status.isFinal() && t.endedAt == 0) {
                t.endedAt = nowS; // written before ended_at was: kept from now on
                fix = true;
            }
            if (fix) out.persist(StoreKeys.task(t.taskId), t.toRecord());
            completeIfDone(t, nowS); // every result was on chain and merged, but the crash came before the record said so
        }
    }

    // ------------------------------------------------------------------ intake

    /** Records a new task (publishing); the caller answers the customer once the write is synced. */
    void submit(TaskSpec s, long nowS, Runnable synced) {
        if (tasks.containsKey(s.taskId())) throw new Refused(Refused.Kind.CONFLICT, "task " + s.taskId() + " exists already");
        Task t = new Task(s.taskId(), s.creator(), s.type(), s.payload(), s.reward(), s.deadline(), nowS, s.createTx(),
                s.createTxHash());
        List<Effect.Persist.Put> puts = new ArrayList<>(1 + t.jobs.length);
        puts.add(new Effect.Persist.Put(StoreKeys.task(t.taskId), t.toRecord()));
        for (Job j : t.jobs) puts.addAll(jobPut(j));
        tasks.put(t.taskId, t);
        out.persist(puts, null, null, synced);
    }

    /**
     * The creator asks to cancel: allowed while no job output is accepted (L1 refuses a cancel once a result is on
     * chain). The jobs stop at once, so no result is accepted while L1 decides.
     */
    void beginCancel(String taskId, String sender) {
        Task t = require(taskId);
        if (!t.creator.equals(sender)) {
            throw new Refused(Refused.Kind.FORBIDDEN, "only the task's creator " + t.creator + " may cancel it, not " + sender);
        }
        if (t.status.isFinal() || t.cancelling) {
            throw new Refused(Refused.Kind.CONFLICT, "task " + taskId + " is " + (t.cancelling ? "being cancelled"
                    : t.status.wire()) + "; it cannot be cancelled");
        }
        long started = 0;
        for (Job j : t.jobs) if (j.outputHash != null) started++;
        if (started > 0) {
            throw new Refused(Refused.Kind.CONFLICT, "task " + taskId + " has " + started + " accepted jobs whose results"
                    + " are on their way to L1, which refuses a cancel once one is on chain; it runs to its end");
        }
        t.cancelling = true;
        dispatch.withdraw(t, "the task was cancelled by its creator");
    }

    /** L1 took the CANCEL_TASK into its mempool: the task is over (L1 gives the escrow back once it is in a block). */
    void cancelled(String taskId, String txHash, long nowS, Runnable synced) {
        Task t = require(taskId);
        t.cancelling = false;
        t.move(TaskStatus.CANCELLED);
        t.error = "cancelled by its creator (tx " + txHash + "); L1 gives the escrow back";
        t.endedAt = nowS;
        out.persist(List.of(new Effect.Persist.Put(StoreKeys.task(t.taskId), t.toRecord())), null, null, synced);
        out.add(new Effect.Forget(t.taskId));
    }

    /** L1 did not take the cancel: the task goes on. */
    void cancelFailed(String taskId) {
        Task t = tasks.get(taskId);
        if (t == null || !t.cancelling) return;
        t.cancelling = false;
        for (Job j : t.jobs) dispatch.requeue(j);
        dispatch.dispatch();
    }

    // ------------------------------------------------------------------ queries

    Task require(String taskId) {
        Task t = tasks.get(taskId);
        if (t == null) throw new Refused(Refused.Kind.NOT_FOUND, "no task " + taskId + " on this PoC validator");
        return t;
    }

    ObjectNode list(TaskStatus status, String challengeType, int limit, int offset) {
        ArrayNode page = Json.MAPPER.createArrayNode();
        int skipped = 0;
        int total = 0;
        List<Task> newestFirst = new ArrayList<>(tasks.values());
        newestFirst.sort(Comparator.comparingLong((Task t) -> t.createdAt).reversed());
        for (Task t : newestFirst) {
            if (status != null && status != t.status) continue;
            if (challengeType != null && !challengeType.equals(t.type.name())) continue;
            total++;
            if (skipped++ < offset || page.size() >= limit) continue;
            page.add(t.view());
        }
        ObjectNode o = Json.object();
        o.set("tasks", page);
        o.put("total", total);
        o.put("limit", limit);
        o.put("offset", offset);
        return o;
    }

    String resultHash(String taskId) {
        Task t = require(taskId);
        if (t.resultHash == null) {
            throw new Refused(Refused.Kind.CONFLICT, "task " + taskId + " has no result yet: " + t.accepted + " of "
                    + t.jobs.length + " jobs done, status " + t.status.wire());
        }
        return t.resultHash;
    }

    /**
     * Job {@code index} of a task once its output is accepted (what a fraud proof of the job opens); {@link Refused}
     * when the task or job is unknown, or the job has no accepted output yet.
     */
    Job acceptedJob(String taskId, int index) {
        Task t = require(taskId);
        if (index < 0 || index >= t.jobs.length) {
            throw new Refused(Refused.Kind.NOT_FOUND, "task " + taskId + " has jobs 0.." + (t.jobs.length - 1)
                    + ", not " + index);
        }
        Job j = t.jobs[index];
        if (!j.status.counts() || j.outputHash == null) {
            throw new Refused(Refused.Kind.CONFLICT, "job " + index + " of task " + taskId + " has no accepted output"
                    + " yet (status " + j.status.wire() + ")");
        }
        return j;
    }

    long jobsAccepted() {
        return jobsAccepted;
    }

    // ------------------------------------------------------------------ time

    /** Deadlines pass; verified jobs nobody duplicated in time stand alone; finished tasks get merged. */
    void tick(long nowMs) {
        long nowS = nowMs / 1000;
        for (Task t : tasks.values()) {
            if (t.live() && nowS > t.deadline && t.accepted < t.jobs.length) {
                t.cancelling = false;
                t.move(TaskStatus.FAILED);
                t.endedAt = nowS;
                t.error = "the deadline passed with " + t.accepted + " of " + t.jobs.length
                        + " jobs done; L1 returns the unsettled escrow to the customer";
                out.persist(StoreKeys.task(t.taskId), t.toRecord());
                out.add(new Effect.Forget(t.taskId));
                continue;
            }
            if (!t.running()) continue;
            for (Job j : t.jobs) {
                if (j.status == JobStatus.AUDITING && j.assignment == null && nowMs - j.auditSinceMs > rules.auditWaitMs()) {
                    dispatch.unqueue(j);
                    j.move(JobStatus.ACCEPTED); // nobody else could run the duplicate in time; the verified output stands
                    out.persist(jobPut(j), null, null, () -> counted(j));
                }
            }
            mergeIfDone(t);
        }
    }

    /** A job's acceptance is synced: it counts, and the task may be complete. */
    void counted(Job j) {
        Task t = j.task;
        t.accepted++;
        jobsAccepted++;
        if (t.status == TaskStatus.PENDING) {
            t.move(TaskStatus.IN_PROGRESS);
            out.persist(StoreKeys.task(t.taskId), t.toRecord());
        }
        mergeIfDone(t);
    }

    private void mergeIfDone(Task t) {
        if (t.accepted < t.jobs.length || t.resultHash != null || t.merging) return;
        t.merging = true;
        List<String> hashes = new ArrayList<>(t.jobs.length);
        for (Job j : t.jobs) hashes.add(j.outputHash);
        out.add(new Effect.Merge(t.taskId, hashes));
    }

    void merged(String taskId, String hash, long nowS) {
        Task t = tasks.get(taskId);
        if (t == null) return;
        t.merging = false;
        t.resultHash = hash;
        ref(hash);
        out.persist(StoreKeys.task(t.taskId), t.toRecord());
        out.add(new Effect.Forget(t.taskId)); // the inputs' mappings and the verifier's vectors can go
        completeIfDone(t, nowS);
    }

    /** The merge failed (a disk error): it is tried again on a later tick. */
    void mergeFailed(String taskId) {
        Task t = tasks.get(taskId);
        if (t != null) t.merging = false;
    }

    void completeIfDone(Task t, long nowS) {
        if (t.status == TaskStatus.IN_PROGRESS && t.included == t.jobs.length && t.resultHash != null) {
            t.move(TaskStatus.COMPLETED);
            t.endedAt = nowS;
            out.persist(StoreKeys.task(t.taskId), t.toRecord());
        }
    }

    // ------------------------------------------------------------------ money

    void shares(int workerBps, int pocBps) {
        this.workerBps = workerBps;
        this.pocBps = pocBps;
    }

    /** What L1 pays the worker for one job of {@code t}: floor(floor(reward / jobs) × worker bps / 10000). */
    BigInteger workerReward(Task t) {
        return workerBps == null ? t.jobReward() : part(t, workerBps);
    }

    /**
     * What this PoC validator pays the worker whose duplicate run agreed: its own part of the job's share,
     * floor(floor(reward / jobs) × poc bps / 10000), so a duplicate costs the customer nothing and creates no wei.
     */
    BigInteger auditPay(Task t) {
        return pocBps == null ? BigInteger.ZERO : part(t, pocBps);
    }

    private static BigInteger part(Task t, int bps) {
        return t.jobReward().multiply(BigInteger.valueOf(bps)).divide(BPS);
    }

    List<Effect.Persist.Put> jobPut(Job j) {
        return List.of(new Effect.Persist.Put(StoreKeys.job(j.task.taskId, j.index), j.toRecord()));
    }

    // ------------------------------------------------------------------ retention

    void ref(String hash) {
        refs.merge(hash, 1, Integer::sum);
    }

    /** Drops one use of {@code hash}; true when nothing kept uses it any more. */
    boolean unref(String hash) {
        Integer n = refs.get(hash);
        if (n == null || n <= 1) {
            refs.remove(hash);
            return true;
        }
        refs.put(hash, n - 1);
        return false;
    }

    boolean referenced(String hash) {
        return refs.containsKey(hash);
    }

    /**
     * Removes at most {@code budget} finished tasks kept {@code keepS} seconds since they ended, with nothing left to
     * send to L1 and their dispute window closed: their records and inline outputs in one write (the caller waits for
     * it), leaving a marker for 410. The inputs of live tasks, and of ended ones whose results can still be disputed,
     * are kept.
     */
    Expired expire(long nowS, long keepS, long disputeWindow, long height, int budget, Runnable synced) {
        Set<String> openInputs = new HashSet<>();
        List<Task> expired = new ArrayList<>();
        List<Effect.Persist.Put> puts = new ArrayList<>();
        Set<String> watched = new java.util.TreeSet<>();
        for (Task t : tasks.values()) {
            boolean live = t.live();
            if (live || disputable(t, disputeWindow, height, puts)) {
                openInputs.addAll(t.type.inputBlobs(t.payload));
                if (t.included > 0) watched.add(t.taskId);
            } else if (expired.size() < budget && t.endedAt > 0 && nowS - t.endedAt >= keepS && L1Book.settled(t)) {
                expired.add(t);
            }
        }
        int records = 0;
        for (Task t : expired) {
            tasks.remove(t.taskId);
            puts.add(new Effect.Persist.Put(StoreKeys.task(t.taskId), null));
            records++;
            for (Job j : t.jobs) {
                puts.add(new Effect.Persist.Put(StoreKeys.job(t.taskId, j.index), null));
                records++;
                // Small outputs are records; a large one is a blob file, left to the blob pass.
                if (j.outputHash != null && unref(j.outputHash) && j.outputInline) {
                    puts.add(new Effect.Persist.Put(StoreKeys.output(j.outputHash), null));
                    records++;
                }
            }
            if (t.resultHash != null) unref(t.resultHash);
            ObjectNode x = Json.object();
            x.put("status", t.status.wire());
            x.put("ended_at", t.endedAt);
            x.put("removed_at", nowS);
            puts.add(new Effect.Persist.Put(StoreKeys.expired(t.taskId), x));
        }
        out.persist(puts, null, null, synced);
        return new Expired(expired.size(), records, openInputs, Set.copyOf(refs.keySet()), watched);
    }

    /**
     * Whether an ended task's results may still be disputed: it has results on L1 and its window, counted from the
     * first height seen after it ended (recorded now if not yet, in {@code puts}), is not over.
     */
    private static boolean disputable(Task t, long window, long height, List<Effect.Persist.Put> puts) {
        if (t.included == 0 || window == 0) return false;
        if (height < 0) return true;
        if (t.disputeFrom == 0) {
            t.disputeFrom = Math.max(1, height);
            puts.add(new Effect.Persist.Put(StoreKeys.task(t.taskId), t.toRecord()));
            return true;
        }
        return height < t.disputeFrom + window;
    }

    /** Every live task's jobs in order, for the L1 book. */
    Iterable<Task> all() {
        return tasks.values();
    }
}
