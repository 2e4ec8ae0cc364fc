package org.cpc.poc.core;

import java.math.BigInteger;
import java.util.random.RandomGenerator;
import org.cpc.compute.market.PoolMessage;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.Amounts;

/**
 * What a checked job output means (part of {@link PocMachine}): a first verified output is accepted, or first sent
 * to a second worker to duplicate; a duplicate that agrees accepts the job and pays its worker; a wrong output is
 * refused and recorded as the worker's fault, and the job goes back to the queue.
 */
final class Outputs {
    private final PocMachine.Rules rules;
    private final RandomGenerator random;
    private final Outbox out;
    private final Dispatch dispatch;
    private final TaskBook book;
    private final FaultBook faults;

    Outputs(PocMachine.Rules rules, RandomGenerator random, Outbox out, Dispatch dispatch, TaskBook book,
            FaultBook faults) {
        this.rules = rules;
        this.random = random;
        this.out = out;
        this.dispatch = dispatch;
        this.book = book;
        this.faults = faults;
    }

    /** The edge's verdict on an assignment's output; the queue is dispatched again in any case. */
    void verified(Assignment a, Verdict v, long nowMs) {
        // Not finished here when it timed out, was cancelled or disconnected meanwhile: another run counts.
        if (dispatch.finish(a)) decide(a, v, nowMs);
        dispatch.dispatch();
    }

    private void decide(Assignment a, Verdict v, long nowMs) {
        Job j = a.job();
        Task t = j.task;
        WorkerSession s = dispatch.session(a.session());
        if (!t.running() || t.cancelling || j.status.counts()) return;
        switch (v) {
            case Verdict.Wrong w -> rejected(s, a, w.reason(), nowMs);
            case Verdict.FirstWasWrong f -> {
                faults.add(j.worker, j, "duplicate execution disagreed; the validator's recomputation matched the other worker",
                        nowMs);
                j.excluded.add(j.worker);
                book.unref(j.outputHash);
                j.worker = null;
                j.outputHash = null;
                j.resultHash = null;
                j.outputInline = false;
                j.signature = null;
                j.move(JobStatus.QUEUED); // the duplicate's output is taken as a fresh first result
                firstOutput(s, j, f.resultHash(), f.signature(), f.inlineOutput(), nowMs);
            }
            case Verdict.Good g -> {
                if (a.audit() && j.outputHash != null) agreed(s, j);
                else firstOutput(s, j, g.resultHash(), g.signature(), g.inlineOutput(), nowMs);
            }
        }
    }

    private void rejected(WorkerSession s, Assignment a, String reason, long nowMs) {
        Job j = a.job();
        s.rejected++;
        faults.add(s.address, j, reason, nowMs);
        j.excluded.add(s.address);
        j.attempts++;
        if (!a.audit()) j.move(JobStatus.QUEUED);
        dispatch.requeue(j);
        out.send(s.id, new PoolMessage.JobRejected(j.id(), reason));
    }

    /** A verified output for a job that had none: accepted, or first sent to a second worker to duplicate. */
    private void firstOutput(WorkerSession s, Job j, String resultHash, String signature, byte[] inline, long nowMs) {
        j.worker = s.address;
        j.outputHash = resultHash;
        j.resultHash = resultHash;
        j.outputInline = inline != null;
        book.ref(resultHash);
        j.signature = signature;
        s.accepted++;
        BigInteger reward = book.workerReward(j.task);
        Runnable ack = () -> out.send(s.id, new PoolMessage.JobAccepted(j.id(), Hex.decode(resultHash), reward,
                Amounts.formatCpc(reward)));
        double duplicate = dispatch.standing(s.address).duplicateProbability(rules.duplicateProbability());
        if (duplicate > 0 && random.nextDouble() < duplicate && dispatch.otherWorkerThan(s.address)) {
            j.move(JobStatus.AUDITING);
            j.excluded.add(s.address);
            j.auditSinceMs = nowMs;
            out.persist(book.jobPut(j), inline == null ? null : StoreKeys.output(resultHash), inline, ack);
            dispatch.requeue(j);
        } else {
            j.move(JobStatus.ACCEPTED);
            // An accepted job counts once its record is synced.
            out.persist(book.jobPut(j), inline == null ? null : StoreKeys.output(resultHash), inline, () -> {
                book.counted(j);
                ack.run();
            });
        }
    }

    /** A duplicate run agreed with the first output: the job is accepted and the second worker is owed its pay. */
    private void agreed(WorkerSession s, Job j) {
        s.accepted++;
        BigInteger pay = book.auditPay(j.task);
        // Paid by this PoC validator once the job's SUBMIT_RESULT is included; a share too small to have a PoC part
        // pays nothing (L1 takes no transfer of 0).
        if (pay.signum() > 0) {
            j.auditor = s.address;
            j.payWei = pay;
        }
        j.move(JobStatus.ACCEPTED);
        String hash = j.resultHash;
        out.persist(book.jobPut(j), null, null, () -> {
            book.counted(j);
            out.send(s.id, new PoolMessage.JobAccepted(j.id(), Hex.decode(hash), pay, Amounts.formatCpc(pay)));
        });
    }
}
