package org.cpc.chain.exec;

import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.WorkerStats;
import org.cpc.chain.market.Disputes;
import org.cpc.chain.market.JobDigest;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.market.TaskMachine;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.WorkBonds;
import org.cpc.chain.state.ByteKey;
import org.cpc.compute.SyntheticTask;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;

/**
 * SUBMIT_RESULT: the rules of a result and its effect, side by side. A result whose task_id names no market task is
 * a synthetic result (its proof checked, paid when the block finishes); one that names a market task is a market job
 * result (its signatures and the PoC validator's attestation checked, the job settled at once).
 */
final class ResultTx {
    private static final int MARKET_MEMO = 100_000;

    /** The executor's check of a synthetic result's signature and proof, memoized with the transaction. */
    @FunctionalInterface
    interface ProofCheck {
        void verify(PreparedTx p, ComputeResult r, VerificationContext ctx) throws TxRejected;
    }

    private final NetworkParams params;
    private final String treasury;
    private final ProofCheck proofCheck;
    /** Market results whose signatures this node checked: tx hash → what they say. A memo only. */
    private final ConcurrentHashMap<ByteKey, MarketSignatures> marketVerified = new ConcurrentHashMap<>();

    ResultTx(NetworkParams params, String treasury, ProofCheck proofCheck) {
        this.params = params;
        this.treasury = treasury;
        this.proofCheck = proofCheck;
    }

    /**
     * The rules of a SUBMIT_RESULT carrying {@code r} at {@code height}, block time {@code nowS}: a synthetic result's
     * form, worker, source block and proof, or a market job's sender, form, task state and signatures.
     */
    BlockExecutor.Plan plan(PreparedTx p, ComputeResult r, WorldState state, ChainView chain, long height, long nowS)
            throws TxRejected {
        Transaction tx = p.tx();
        MarketTask task = state.task(r.taskId());
        if (task == null) {
            TxRules.checkSyntheticForm(tx, r, params);
            new WorkBonds(params, state).checkWorkerAdmitted(r.workerAddress());
            String src = checkAgainstChain(r, height, chain, state);
            proofCheck.verify(p, r, new VerificationContext(params, height, r.nonce(), src));
            // Paid when the block finishes, an equal share of its compute reward.
            return new BlockExecutor.Plan(GasSchedule.gas(tx, params, false), b -> {
                b.state().acceptResult(r.taskId(), height, p.hash());
                b.acceptSynthetic(r.workerAddress());
                b.audits().accepted(r, src);
            });
        }
        WorkBonds bonds = new WorkBonds(params, state);
        boolean byPoc = bonds.isPoc(tx.fromAddress());
        if (!byPoc && !tx.fromAddress().equals(r.workerAddress())) {
            throw new TxRejected("a result for market task " + r.taskId() + " must be sent by a PoC validator"
                    + " (bonded at least min_poc_bond) or by its worker_address " + r.workerAddress()
                    + " with a PoC validator's attestation; " + tx.fromAddress() + " is neither");
        }
        TxRules.checkMarketForm(r, byPoc);
        TaskMachine.checkAcceptsJob(task, r.nonce(), nowS);
        if (state.jobAccepted(r.taskId(), r.nonce())) {
            throw new TxRejected("job " + r.nonce() + " of task " + r.taskId()
                    + " already has an accepted result; one result per job");
        }
        String poc = verifyMarket(p, r, bonds);
        return new BlockExecutor.Plan(GasSchedule.gas(tx, params, true),
                b -> settleJob(b, p, r, task, poc, height, nowS));
    }

    /** A market job's result accepted: the job's share of the escrow split between worker, PoC validator, treasury. */
    private void settleJob(BlockExecutor.Session b, PreparedTx p, ComputeResult r, MarketTask task, String poc,
                           long height, long nowS) throws TxRejected {
        WorldState state = b.state();
        TaskMachine.Settled s = TaskMachine.acceptJob(task, r.nonce(), nowS, params);
        TaskMachine.Split split = s.split();
        state.setTask(s.task());
        b.credit(r.workerAddress(), split.worker());
        b.credit(poc, split.poc());
        b.credit(treasury, split.treasury());
        WorkerStats w = state.worker(r.workerAddress());
        state.setWorker(r.workerAddress(), new WorkerStats(w.accepted() + 1, w.earned().add(split.worker())));
        b.bonds().recordSettled(poc);
        new Disputes(state).recordSettled(s.task(), r.workerAddress(), poc, height);
        state.putJob(new JobRecord(r.taskId(), Math.toIntExact(r.nonce()), r.workerAddress(), r.resultHash(),
                poc, height, p.hashHex(), split.worker(), split.poc(), split.treasury()));
        b.paid(ResultPayment.Kind.MARKET, split.worker(), poc);
    }

    /**
     * The L1 rules of a synthetic result that depend on the chain: block {@code h = nonce} exists, is older than
     * the including block {@code height} by at most {@code synthetic_window}, the task_id is the one derived from
     * its hash and the worker, and no result for the task_id was accepted before. Returns the source block hash.
     */
    private String checkAgainstChain(ComputeResult r, long height, ChainView chain, WorldState state)
            throws TxRejected {
        long h = r.nonce();
        if (h >= height) {
            throw new TxRejected("ComputeResult.nonce " + h + " names a block that does not exist yet (the result"
                    + " would go into block " + height + ")");
        }
        if (height - h > params.syntheticWindow()) {
            throw new TxRejected("ComputeResult.nonce " + h + " is " + (height - h) + " blocks old at height "
                    + height + "; synthetic_window is " + params.syntheticWindow() + " blocks");
        }
        String hash = chain.blockHash(h);
        if (hash == null) throw new TxRejected("ComputeResult.nonce " + h + " names an unknown block");
        String expected = SyntheticTask.taskIdOf(hash, r.workerAddress());
        if (!expected.equals(r.taskId())) {
            throw new TxRejected("ComputeResult.task_id " + r.taskId() + " is not the synthetic task of block " + h
                    + " for " + r.workerAddress() + " (expected " + expected + ")");
        }
        if (state.resultAccepted(r.taskId())) {
            throw new TxRejected("a result for task_id " + r.taskId() + " was already accepted");
        }
        return hash;
    }

    /**
     * The signatures of a market job result: the transaction's, the worker's over the job digest (it must recover
     * worker_address) and, for a worker-sent result, the attestation in {@code proof} (it must recover a PoC
     * validator bonded at least {@code min_poc_bond}). Returns the PoC validator the job is credited to. The
     * signatures are memoized per (tx hash, signature); the bond is read from {@code bonds} every time.
     */
    private String verifyMarket(PreparedTx p, ComputeResult r, WorkBonds bonds) throws TxRejected {
        MarketSignatures sg = verifyMarketSignatures(p, r);
        String from = p.tx().fromAddress();
        if (bonds.isPoc(from)) return from;
        if (sg.attester() == null) {
            throw new TxRejected("ComputeResult.proof (the PoC validator's attestation) recovers no key: "
                    + sg.attesterError());
        }
        if (!bonds.isPoc(sg.attester())) {
            throw new TxRejected("ComputeResult.proof is not a PoC validator's attestation of this job: it recovers "
                    + sg.attester() + ", which has " + bonds.bonded(BondRole.POC_VALIDATOR, sg.attester())
                    + " wei bonded as a PoC validator, less than min_poc_bond " + params.bonds().minPocBond());
        }
        return sg.attester();
    }

    /** What the signatures of a market result say, whatever the state: who attested it (null: nobody, and why). */
    private record MarketSignatures(String signature, String attester, String attesterError) {}

    /**
     * The state-free part of {@link #verifyMarket}: the transaction's and the worker's signatures, and who the
     * attestation recovers. Memoized per (tx hash, signature); {@link org.cpc.chain.BlockValidator} runs it ahead
     * on all cores.
     */
    void preverifyMarket(PreparedTx p, ComputeResult r) throws TxRejected {
        verifyMarketSignatures(p, r);
    }

    private MarketSignatures verifyMarketSignatures(PreparedTx p, ComputeResult r) throws TxRejected {
        ByteKey key = new ByteKey(p.hash());
        MarketSignatures m = marketVerified.get(key);
        if (m != null && m.signature().equals(p.tx().signature())) return m;
        TxRules.checkSignature(p);
        byte[] digest = JobDigest.of(r);
        String signer;
        try {
            signer = JobDigest.signer(digest, r.signature());
        } catch (RuntimeException e) { // IllegalArgumentException from either backend, whatever the bytes
            throw new TxRejected("ComputeResult.signature recovers no key: " + e.getMessage());
        }
        if (!signer.equals(r.workerAddress())) {
            throw new TxRejected("ComputeResult.signature recovers " + signer + ", not worker_address "
                    + r.workerAddress() + " (the worker signs SHA-256 of the JCS of {task_id, worker_address,"
                    + " result_hash, proof: null, nonce})");
        }
        String attester = null, error = null;
        try {
            attester = r.proof() == null ? null : JobDigest.signer(digest, r.proof());
            if (attester == null) error = "it is null";
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        m = new MarketSignatures(p.tx().signature(), attester, error);
        if (marketVerified.size() >= MARKET_MEMO) marketVerified.clear();
        marketVerified.put(key, m);
        return m;
    }
}
