package org.cpc.chain.market;

import org.cpc.protocol.types.TaskStatus;
import java.math.BigInteger;
import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.params.NetworkParams;

/**
 * The market task state machine as pure functions: (task, input) → new task and the wei it moves, or a
 * {@link TxRejected} naming the broken rule. No state access, no clock: {@code nowS} is the including block's
 * timestamp in unix seconds (block timestamp ms / 1000, rounded down).
 *
 * <pre>
 *   pending ──first job──▶ in_progress ──last job──▶ completed
 *      │  └──────────────── last job (1-job task) ──────▲
 *      ├──CANCEL_TASK by creator──▶ cancelled
 *      └──deadline &lt; nowS (also from in_progress)──▶ failed
 * </pre>
 *
 * Money: the task holds {@code escrow_left}. Each accepted job takes {@code reward / jobs_total} (rounded down) out
 * of it, and the job that completes the task takes all that is left (so the division remainder too). A job's share
 * splits into worker, PoC validator and treasury parts by basis points; the treasury part is the share minus the
 * other two, so it also takes the rounding remainder. Cancel and expiry give back all of {@code escrow_left}.
 * After any transition, escrow_left + everything paid out so far = reward, exactly.
 */
public final class TaskMachine {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private TaskMachine() {}

    /** Worker, PoC validator and treasury parts of one job's share; they sum to the share. */
    public record Split(BigInteger worker, BigInteger poc, BigInteger treasury) {
        public BigInteger total() {
            return worker.add(poc).add(treasury);
        }
    }

    /** A job accepted: the task after it, the share it took out of the escrow and how that share splits. */
    public record Settled(MarketTask task, BigInteger share, Split split) {}

    /** A task closed (cancelled or failed): the task after it and the wei going back to its creator. */
    public record Closed(MarketTask task, BigInteger refund) {}

    /** A new task: pending, the whole reward in escrow. */
    public static MarketTask create(String taskId, String creator, String challengeType, String payloadHash,
                                    BigInteger reward, long deadline, int jobsTotal, long height) {
        if (reward.signum() <= 0) throw new IllegalArgumentException("reward must be positive");
        if (jobsTotal < 1) throw new IllegalArgumentException("a task has at least one job");
        return new MarketTask(taskId, creator, challengeType, payloadHash, reward, reward, deadline, jobsTotal, 0,
                TaskStatus.PENDING, height);
    }

    /** CREATE_TASK's deadline rule: after the block's time, at most max_task_lifetime_s after it. */
    public static void checkDeadline(long deadline, long nowS, long maxLifetimeS) throws TxRejected {
        if (deadline <= nowS) {
            throw new TxRejected("ComputeTask.deadline " + deadline + " is not after the block's time " + nowS
                    + " (unix seconds)");
        }
        if (deadline - nowS > maxLifetimeS) {
            throw new TxRejected("ComputeTask.deadline " + deadline + " is more than max_task_lifetime_s "
                    + maxLifetimeS + " after the block's time " + nowS);
        }
    }

    /** CANCEL_TASK: only the creator, only while pending; the whole escrow goes back. */
    public static Closed cancel(MarketTask t, String sender) throws TxRejected {
        if (!t.creator().equals(sender)) {
            throw new TxRejected("only the task's creator " + t.creator() + " may cancel task " + t.taskId()
                    + ", not " + sender);
        }
        if (t.status() != TaskStatus.PENDING) {
            throw new TxRejected("task " + t.taskId() + " is " + t.status().wire()
                    + "; only a pending task (no accepted job) can be cancelled");
        }
        return new Closed(t.with(BigInteger.ZERO, t.jobsDone(), TaskStatus.CANCELLED), t.escrowLeft());
    }

    /** The rules a job result must meet against its task: open, not past the deadline, index in range. */
    public static void checkAcceptsJob(MarketTask t, long job, long nowS) throws TxRejected {
        if (!t.status().open()) {
            throw new TxRejected("task " + t.taskId() + " is " + t.status().wire() + " and accepts no more results");
        }
        if (t.deadline() < nowS) {
            throw new TxRejected("task " + t.taskId() + " passed its deadline " + t.deadline() + " (block time "
                    + nowS + ")");
        }
        if (job < 0 || job >= t.jobsTotal()) {
            throw new TxRejected("ComputeResult.nonce (job index) " + job + " is out of range for task " + t.taskId()
                    + ", which has " + t.jobsTotal() + " jobs (0.." + (t.jobsTotal() - 1) + ")");
        }
    }

    /** The share the next accepted job takes: reward / jobs_total, or all that is left for the last job. */
    public static BigInteger nextShare(MarketTask t) {
        if (t.jobsDone() + 1 == t.jobsTotal()) return t.escrowLeft();
        return t.reward().divide(BigInteger.valueOf(t.jobsTotal()));
    }

    /** Accepts one job (the caller checked it is not a duplicate): settles its share, advances the status. */
    public static Settled acceptJob(MarketTask t, long job, long nowS, NetworkParams p) throws TxRejected {
        checkAcceptsJob(t, job, nowS);
        BigInteger share = nextShare(t);
        int done = t.jobsDone() + 1;
        TaskStatus s = done == t.jobsTotal() ? TaskStatus.COMPLETED : TaskStatus.IN_PROGRESS;
        return new Settled(t.with(t.escrowLeft().subtract(share), done, s), share, split(share, p));
    }

    /** True when a block at {@code nowS} fails the task: still open and its deadline is before the block. */
    public static boolean expired(MarketTask t, long nowS) {
        return t.status().open() && t.deadline() < nowS;
    }

    /** Fails an expired task; what is left in escrow goes back to the creator. */
    public static Closed expire(MarketTask t, long nowS) {
        if (!expired(t, nowS)) throw new IllegalStateException("task " + t.taskId() + " has not expired at " + nowS);
        return new Closed(t.with(BigInteger.ZERO, t.jobsDone(), TaskStatus.FAILED), t.escrowLeft());
    }

    /** Splits a share by market_worker_share_bps and market_poc_share_bps (rounded down); the treasury gets the rest. */
    public static Split split(BigInteger share, NetworkParams p) {
        BigInteger worker = share.multiply(BigInteger.valueOf(p.marketWorkerShareBps())).divide(BPS);
        BigInteger poc = share.multiply(BigInteger.valueOf(p.marketPocShareBps())).divide(BPS);
        return new Split(worker, poc, share.subtract(worker).subtract(poc));
    }
}
