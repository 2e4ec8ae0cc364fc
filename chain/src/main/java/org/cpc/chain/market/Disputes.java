package org.cpc.chain.market;

import java.time.Instant;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.StakingLedger;
import org.cpc.chain.staking.WorkBond;
import org.cpc.chain.state.StateKeys;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.params.NetworkParams;

/**
 * What L1 keeps so that a market job can be disputed and its backers cannot leave first (docs/protocol.md, "Fraud
 * proofs on L1"): each task's last settlement height (its dispute window is counted from it), the jobs proven wrong,
 * and each work bond's dispute lock, the latest deadline of a task whose results it backs.
 *
 * <p>Why a deadline lock is enough: a bond may UNBOND at height U only once every task it backs is past its deadline,
 * so none takes another result and each one's last settlement S is below U. The unbonding entry matures at
 * U + {@code bond_unbonding_blocks} > S + {@code dispute_window} (the parameters require it), and a FRAUD_PROOF's slash
 * reaches unbonding entries that have not matured: no coin of the bond leaves before every window it backs closes.
 */
public final class Disputes {
    private static final java.util.Set<String> SETTLEMENT_FIELDS = java.util.Set.of("last_settled_height");
    private static final java.util.Set<String> LOCK_FIELDS = java.util.Set.of("deadline");

    private final StakingLedger ledger;

    public Disputes(StakingLedger ledger) {
        this.ledger = ledger;
    }

    /** The height of task {@code taskId}'s last accepted job, or 0 when it has none. */
    public long lastSettled(String taskId) {
        byte[] v = ledger.get(StateKeys.TASK_SETTLEMENT, taskId);
        return v == null ? 0 : JsonFields.of(Json.parse(v), "task settlement", SETTLEMENT_FIELDS)
                .uint("last_settled_height");
    }

    /**
     * The last height at which a FRAUD_PROOF may dispute a job of {@code task}, or {@link Long#MAX_VALUE} while the
     * task still takes results at block time {@code nowS} (its window has not started to run).
     */
    public long disputeUntil(MarketTask task, long nowS, NetworkParams params) {
        if (task.status().open() && task.deadline() >= nowS) return Long.MAX_VALUE;
        return lastSettled(task.taskId()) + params.bonds().disputeWindow();
    }

    /** The job proven wrong, or null. */
    public JobDispute dispute(String taskId, int job) {
        return JobDispute.decode(ledger.get(StateKeys.JOB_DISPUTE, taskId + "/" + job));
    }

    public void putDispute(JobDispute d) {
        ledger.put(StateKeys.JOB_DISPUTE, d.taskId() + "/" + d.job(), d.encode());
    }

    /**
     * A job of {@code task} settled at {@code height}: the task's window restarts from it, and the worker's and the
     * PoC validator's bonds are locked until the task's deadline.
     */
    public void recordSettled(MarketTask task, String worker, String poc, long height) {
        ledger.put(StateKeys.TASK_SETTLEMENT, task.taskId(),
                Jcs.canonicalize(Json.object().put("last_settled_height", height)));
        lock(BondRole.WORKER, worker, task.deadline());
        lock(BondRole.POC_VALIDATOR, poc, task.deadline());
    }

    /** The latest deadline (unix seconds) of a task whose results the bond backs; 0 when none. */
    public long lockDeadline(BondRole role, String address) {
        byte[] v = ledger.get(StateKeys.DISPUTE_LOCK, WorkBond.id(role, address));
        return v == null ? 0 : JsonFields.of(Json.parse(v), "dispute lock", LOCK_FIELDS).uint("deadline");
    }

    private void lock(BondRole role, String address, long deadline) {
        if (deadline <= lockDeadline(role, address)) return;
        ledger.put(StateKeys.DISPUTE_LOCK, WorkBond.id(role, address),
                Jcs.canonicalize(Json.object().put("deadline", deadline)));
    }

    /** UNBOND's dispute rule: refused while a task whose results the bond backs may still take results. */
    public void checkUnbond(String address, BondRole role, long nowS) throws TxRejected {
        long deadline = lockDeadline(role, address);
        if (nowS <= deadline) {
            throw new TxRejected("the " + role.wire() + " bond of " + address + " backs job results of a market task"
                    + " whose deadline " + deadline + " (" + Instant.ofEpochSecond(deadline) + ") has not passed"
                    + " (block time " + nowS + "); its results can be disputed until dispute_window blocks after the"
                    + " task's last settlement, so the bond cannot start unbonding before that deadline");
        }
    }
}
