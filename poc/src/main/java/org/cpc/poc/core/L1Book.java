package org.cpc.poc.core;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.TaskStatus;

/**
 * What the PoC validator owes L1 and what L1 said: tasks to publish, each accepted job's SUBMIT_RESULT, each agreeing
 * duplicate worker's TRANSFER. Part of the {@link PocMachine}: it decides what is due; the L1 outbox (an edge, with
 * its own thread) asks L1, builds and signs, and reports back through the machine's inputs.
 */
final class L1Book {
    /** How long L1 is left alone about a transaction it refused, before it is built again with a fresh nonce. */
    static final long RETRY_MS = 2_000;

    private final Outbox out;
    private final TaskBook book;
    private final Dispatch dispatch;
    /** Jobs whose SUBMIT_RESULT is included and whose agreeing duplicate worker is not paid yet, oldest first. */
    private final LinkedHashSet<Job> owed = new LinkedHashSet<>();

    L1Book(Outbox out, TaskBook book, Dispatch dispatch) {
        this.out = out;
        this.book = book;
        this.dispatch = dispatch;
    }

    /** After a restart: the payments still owed. */
    void load() {
        for (Task t : book.all()) for (Job j : t.jobs) if (j.owesPay()) owed.add(j);
    }

    /** Nothing of the task is still on its way to L1: no recorded SUBMIT_RESULT pending, no payment owed. */
    static boolean settled(Task t) {
        for (Job j : t.jobs) {
            if (j.status == JobStatus.ACCEPTED && j.tx != null) return false;
            if (j.owesPay()) return false;
        }
        return true;
    }

    /** The tasks to publish and the transactions already sent, whose fate the outbox checks first. */
    L1Work.Check check(long nowMs) {
        List<L1Work.Publish> publishing = new ArrayList<>();
        List<L1Work.Sent> sent = new ArrayList<>();
        List<String> overdue = new ArrayList<>();
        for (Task t : book.all()) {
            if (t.running() && nowMs / 1000 > t.deadline) overdue.add(t.taskId);
            if (t.status == TaskStatus.PUBLISHING && !t.cancelling) {
                publishing.add(new L1Work.Publish(t.taskId, t.createTx, t.createTxHash));
            }
            if (!owesResults(t)) continue;
            for (Job j : t.jobs) {
                if (j.status == JobStatus.ACCEPTED && j.tx != null) sent.add(new L1Work.Sent(ref(L1Work.Kind.RESULT, j), j.tx, j.txHash));
            }
        }
        for (Job j : owed) if (j.payTx != null) sent.add(new L1Work.Sent(ref(L1Work.Kind.PAY, j), j.payTx, j.payTxHash));
        return new L1Work.Check(publishing, sent, overdue);
    }

    /**
     * Up to {@code room} transactions to build: results first (they have deadlines, and a payment L1 refuses, say
     * for a short balance, then holds up nothing behind it), then payments. A job L1 refused waits
     * {@link #RETRY_MS}.
     */
    List<L1Work.Draft> drafts(long nowMs, int room) {
        List<L1Work.Draft> drafts = new ArrayList<>();
        for (Task t : book.all()) {
            if (drafts.size() >= room) return drafts;
            if (!t.running() || t.cancelling) continue; // L1 refuses results after the deadline
            for (Job j : t.jobs) {
                if (drafts.size() >= room) return drafts;
                if (j.status != JobStatus.ACCEPTED || j.tx != null || nowMs < j.retryAtMs) continue;
                drafts.add(new L1Work.ResultDraft(ref(L1Work.Kind.RESULT, j),
                        new ComputeResult(t.taskId, j.worker, j.resultHash, null, (long) j.index, j.signature)));
            }
        }
        for (Job j : owed) {
            if (drafts.size() >= room) break;
            if (j.payTx != null || nowMs < j.retryAtMs) continue;
            drafts.add(new L1Work.PayDraft(ref(L1Work.Kind.PAY, j), j.auditor, j.payWei));
        }
        return drafts;
    }

    private static boolean owesResults(Task t) {
        if (t.status == TaskStatus.COMPLETED || t.status == TaskStatus.CANCELLED) return false;
        return !(t.status == TaskStatus.FAILED && t.accepted == t.included);
    }

    private static L1Work.Ref ref(L1Work.Kind kind, Job j) {
        return new L1Work.Ref(kind, j.task.taskId, j.index);
    }

    private Job job(L1Work.Ref r) {
        Task t = book.tasks.get(r.taskId());
        return t == null || r.index() < 0 || r.index() >= t.jobs.length ? null : t.jobs[r.index()];
    }

    /** The task's CREATE_TASK is in a block: its jobs go to workers. */
    void taskOnChain(String taskId) {
        Task t = book.tasks.get(taskId);
        if (t == null || t.status != TaskStatus.PUBLISHING) return;
        t.move(TaskStatus.PENDING);
        out.persist(StoreKeys.task(t.taskId), t.toRecord());
        for (Job j : t.jobs) dispatch.requeue(j);
        dispatch.dispatch();
    }

    /** L1 refused the CREATE_TASK (re-sent after it was lost): the task fails. */
    void taskRefused(String taskId, String reason, long nowS) {
        Task t = book.tasks.get(taskId);
        if (t == null || t.status != TaskStatus.PUBLISHING) return;
        t.move(TaskStatus.FAILED);
        t.error = "L1 refused the CREATE_TASK: " + reason;
        t.endedAt = nowS;
        out.persist(StoreKeys.task(t.taskId), t.toRecord());
        out.add(new Effect.Forget(t.taskId));
    }

    /**
     * What L1 says of a task past its deadline. L1 closes such a task at the first block after the deadline: failed
     * (the unsettled escrow back to the customer) unless every result made it. Or it was cancelled on L1 and this
     * PoC validator lost its record of the cancel in a crash. The PoC validator follows L1.
     */
    void taskOnL1(String taskId, TaskStatus onL1, long nowS) {
        Task t = book.tasks.get(taskId);
        if (t == null || !t.running() || (onL1 != TaskStatus.FAILED && onL1 != TaskStatus.CANCELLED)) return;
        t.cancelling = false;
        t.move(onL1);
        t.endedAt = nowS;
        t.error = onL1 == TaskStatus.CANCELLED
                ? "cancelled by its creator on L1, which gave the escrow back"
                : "L1 closed the task at its deadline with " + t.included + " of " + t.jobs.length
                        + " results on chain and returned the unsettled escrow to the customer";
        out.persist(StoreKeys.task(t.taskId), t.toRecord());
        out.add(new Effect.Forget(t.taskId));
    }

    /** Signed transactions, recorded (in one synced write) before any of them is sent. */
    void recorded(List<L1Work.Built> built, Runnable synced) {
        List<Effect.Persist.Put> puts = new ArrayList<>(built.size());
        for (L1Work.Built b : built) {
            Job j = job(b.ref());
            if (j == null) continue;
            if (b.ref().kind() == L1Work.Kind.RESULT) {
                j.tx = b.tx().toJson();
                j.txHash = b.tx().hashHex();
            } else {
                j.payTx = b.tx().toJson();
                j.payTxHash = b.tx().hashHex();
            }
            puts.addAll(book.jobPut(j));
        }
        out.persist(puts, null, null, synced);
    }

    /** L1 refused a recorded transaction (a stale nonce, changed state): it is built again, later. */
    void refused(L1Work.Ref r, String reason, long nowMs) {
        Job j = job(r);
        if (j == null) return;
        forget(r, j);
        j.lastError = reason;
        j.retryAtMs = nowMs + RETRY_MS;
        out.persist(book.jobPut(j));
    }

    /** Recorded but not sent (they would follow a nonce gap): forgotten, built again next pass. */
    void dropped(List<L1Work.Ref> refs) {
        List<Effect.Persist.Put> puts = new ArrayList<>();
        for (L1Work.Ref r : refs) {
            Job j = job(r);
            if (j == null) continue;
            forget(r, j);
            puts.addAll(book.jobPut(j));
        }
        if (!puts.isEmpty()) out.persist(puts);
    }

    private static void forget(L1Work.Ref r, Job j) {
        if (r.kind() == L1Work.Kind.RESULT) {
            j.tx = null;
            j.txHash = null;
        } else {
            j.payTx = null;
            j.payTxHash = null;
        }
    }

    /** Transactions now in blocks. */
    void included(List<L1Work.Ref> refs, long nowS) {
        List<Effect.Persist.Put> puts = new ArrayList<>(refs.size());
        List<Task> touched = new ArrayList<>();
        for (L1Work.Ref r : refs) {
            Job j = job(r);
            if (j == null) continue;
            if (r.kind() == L1Work.Kind.RESULT) {
                if (j.status != JobStatus.ACCEPTED) continue;
                j.move(JobStatus.INCLUDED);
                j.task.included++;
                if (j.owesPay()) owed.add(j);
                touched.add(j.task);
            } else {
                j.paid = true;
                owed.remove(j);
            }
            puts.addAll(book.jobPut(j));
        }
        if (!puts.isEmpty()) out.persist(puts);
        for (Task t : touched) book.completeIfDone(t, nowS);
    }

    /** Jobs that owe a payment (for the simulation's checks). */
    int owedCount() {
        return owed.size();
    }
}
