package org.cpc.chain.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.market.Disputes;
import org.cpc.chain.market.JobDispute;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.WorkBond;
import org.cpc.chain.staking.WorkBonds;
import org.cpc.compute.market.FraudProofCheck;
import org.cpc.compute.market.FraudVerdict;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;

/**
 * The FRAUD_PROOF transaction (docs/protocol.md, "Fraud proofs on L1"): its rules and its effect. A proof that an
 * entry of a market matmul or inference job's committed output is wrong ({@link FraudProofCheck}, by the task's
 * challenge type) slashes the PoC validator that put the job on chain and
 * the worker whose signature it carries ({@link WorkBonds#slash}, {@code fraud_slash_bps} of each bond), refunds
 * the customer the job's share out of those slashes, pays the prover {@code fraud_bounty_bps} of what is left of
 * each, and burns the rest. A proof whose entry is right is included and does nothing but cost its sender gas; a
 * proof that does not fit the task, names an unknown task or job, repeats a proven job, or comes after the task's
 * dispute window is refused. Functions of state and the transaction (the verdict memo never changes an outcome):
 * deterministic, exact integers.
 */
public final class FraudProofs {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    /** Most verdicts memoized; the memo is cleared when full (a memo only: it never changes an outcome). */
    private static final int MEMO = 4096;

    /**
     * Verdicts this node reached, by (tx hash, the job's result_hash, the task's payload hash): what the verdict is a
     * function of, so a transaction judged at admission is not parsed and verified again when its block is built and
     * executed, whatever state other proposals at the same height hold.
     */
    private final ConcurrentHashMap<String, FraudVerdict> verdicts = new ConcurrentHashMap<>();

    /** The stateless rules: no recipient, amount 0, an object payload (read strictly when it is judged). */
    public static void form(Transaction tx) throws TxRejected {
        if (tx.toAddress() != null) throw new TxRejected("FRAUD_PROOF must have to_address null");
        if (tx.amount().signum() != 0) throw new TxRejected("FRAUD_PROOF must carry amount 0, got " + tx.amount());
        if (!tx.payload().isObject()) throw new TxRejected("FRAUD_PROOF payload must be a fraud proof object");
    }

    /** The mempool's exclusive slot of a FRAUD_PROOF: one pending proof per job. */
    public static String slot(Transaction tx) {
        JsonNode p = tx.payload();
        return "FRAUD_PROOF of job " + p.path("job").asText() + " of task " + p.path("task_id").asText();
    }

    /**
     * A proof judged against state: the entry it disputes (matmul: row and col of C; inference: sample and entry, with
     * layer and claim, which are null for matmul), its task, the job, and the verifier's verdict (never Malformed).
     */
    private record Judged(String taskId, int row, int col, Integer layer, String claim, MarketTask task, JobRecord job,
                         FraudVerdict verdict) {
        static Judged of(JsonNode p, MarketTask task, JobRecord job, FraudVerdict v) {
            boolean inference = "inference".equals(task.challengeType());
            return new Judged(task.taskId(), p.path(inference ? "sample" : "row").intValue(),
                    p.path(inference ? "entry" : "col").intValue(), inference ? p.path("layer").intValue() : null,
                    inference ? p.path("claim").textValue() : null, task, job, v);
        }
    }

    /**
     * The rules of a FRAUD_PROOF ({@link #judge}, the signature run through {@code signature} between its stateful
     * rules and the proof) and, once they pass, its effect ({@link #apply}) on the block.
     */
    TxEffect check(PreparedTx ptx, WorldState state, NetworkParams params, long height, long nowS,
                   CheckedSignature signature) throws TxRejected {
        Judged j = judge(ptx, state, params, height, nowS, signature);
        return b -> apply(j, ptx.tx().fromAddress(), ptx.hashHex(), b.state(), b.bonds(), params, height);
    }

    /**
     * Every stateful rule, cheapest first, then the signature ({@code signature}, memoized by the executor), then the
     * proof itself (read strictly and verified, memoized): the task exists and is a matmul task; the job has an
     * accepted result not yet proven wrong; the block is within the task's dispute window; the proof fits the task
     * and its paths lead to a_root, b_root and the job's result_hash.
     */
    private Judged judge(PreparedTx ptx, WorldState state, NetworkParams params, long height, long nowS,
                         CheckedSignature signature) throws TxRejected {
        Transaction tx = ptx.tx();
        JsonNode p = tx.payload();
        String taskId = p.path("task_id").asText();
        if (!p.path("task_id").isTextual() || !p.path("job").canConvertToInt()) {
            throw new TxRejected("FRAUD_PROOF payload needs task_id (a string) and job (an integer)");
        }
        int jobIndex = p.path("job").intValue();
        MarketTask task = state.task(taskId);
        if (task == null) throw new TxRejected("FRAUD_PROOF names no market task " + taskId);
        if (!FraudProofCheck.disputable(task.challengeType())) {
            throw new TxRejected("task " + taskId + " is a " + task.challengeType() + " task; fraud proofs dispute"
                    + " matmul and inference jobs only");
        }
        JobRecord job = jobIndex < 0 ? null : state.job(taskId, jobIndex);
        if (job == null) {
            throw new TxRejected("job " + jobIndex + " of task " + taskId + " has no accepted result: nothing to"
                    + " dispute");
        }
        Disputes disputes = new Disputes(state);
        JobDispute before = disputes.dispute(taskId, jobIndex);
        if (before != null) {
            throw new TxRejected("job " + jobIndex + " of task " + taskId + " was already proven wrong by "
                    + before.txHash() + " at height " + before.height() + " (" + before.entry() + "); a job is"
                    + " disputed once");
        }
        long until = disputes.disputeUntil(task, nowS, params);
        if (height > until) {
            throw new TxRejected("the dispute window of task " + taskId + " closed at height " + until
                    + " (dispute_window " + params.bonds().disputeWindow() + " blocks after its last settled job at"
                    + " height " + disputes.lastSettled(taskId) + "); this block is " + height);
        }
        signature.check();
        String key = ptx.hashHex() + "/" + job.resultHash() + "/" + task.payloadHash();
        FraudVerdict v = verdicts.get(key);
        if (v == null) {
            v = FraudProofCheck.verify(task.challengeType(), p, Json.parse(state.payload(taskId)), job.resultHash());
            if (verdicts.size() >= MEMO) verdicts.clear();
            verdicts.put(key, v);
        }
        if (v instanceof FraudVerdict.Malformed m) throw new TxRejected("FRAUD_PROOF proves nothing: " + m.reason());
        return Judged.of(p, task, job, v);
    }

    /** The transaction's signature check, run after the stateful rules and before the proof is verified. */
    interface CheckedSignature {
        void check() throws TxRejected;
    }

    /**
     * The effect of a judged proof sent by {@code prover} in the transaction {@code txHash}: for a wrong entry, the
     * slashes, refund and bounty, recorded as the job's {@link JobDispute}; for a right one, nothing.
     */
    private static void apply(Judged j, String prover, String txHash, WorldState state, WorkBonds bonds,
                              NetworkParams params, long height) {
        if (!(j.verdict() instanceof FraudVerdict.EntryWrong w)) return;
        JobRecord job = j.job();
        BigInteger share = job.workerReward().add(job.pocReward()).add(job.treasuryReward());
        String reason = "fraud proof " + txHash + ": job " + job.job() + " of task " + job.taskId();
        WorkBonds.Slashed poc = slash(bonds, BondRole.POC_VALIDATOR, job.pocValidator(), share, prover,
                j.task().creator(), params, reason);
        BigInteger refundLeft = share.subtract(poc.paid().get(0).wei());
        WorkBonds.Slashed worker = slash(bonds, BondRole.WORKER, job.workerAddress(), refundLeft, prover,
                j.task().creator(), params, reason);
        JobDispute d = new JobDispute(job.taskId(), job.job(), j.row(), j.col(), j.layer(), j.claim(), w.claimed(),
                w.correct(), prover,
                height, txHash, poc.taken(), worker.taken(), poc.paid().get(0).wei().add(worker.paid().get(0).wei()),
                poc.paid().get(1).wei().add(worker.paid().get(1).wei()), poc.burned().add(worker.burned()));
        new Disputes(state).putDispute(d);
    }

    /**
     * Takes {@code fraud_slash_bps} of the bond and its unbonding entries together (a {@link WorkBonds.Cut.Wei} of
     * exactly that, so the payouts are known before the slash), refunds the customer up to {@code refund}, and pays
     * the prover {@code fraud_bounty_bps} of what is left; the slash burns the rest.
     */
    private static WorkBonds.Slashed slash(WorkBonds bonds, BondRole role, String address, BigInteger refund,
                                           String prover, String customer, NetworkParams params, String reason) {
        WorkBond b = bonds.bond(role, address);
        BigInteger held = b == null ? BigInteger.ZERO : b.amount().add(b.unbondingTotal());
        BigInteger take = bps(held, params.bonds().fraudSlashBps());
        BigInteger toCustomer = refund.min(take);
        BigInteger bounty = bps(take.subtract(toCustomer), params.bonds().fraudBountyBps());
        return bonds.slash(address, role, new WorkBonds.Cut.Wei(take),
                List.of(new WorkBonds.Payout(customer, toCustomer), new WorkBonds.Payout(prover, bounty)), reason);
    }

    private static BigInteger bps(BigInteger wei, int bps) {
        return wei.multiply(BigInteger.valueOf(bps)).divide(BPS);
    }
}
