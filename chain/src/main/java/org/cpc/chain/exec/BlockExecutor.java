package org.cpc.chain.exec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.Account;
import org.cpc.chain.market.Disputes;
import org.cpc.chain.audit.Audits;
import org.cpc.chain.audit.ResultAuditor;
import org.cpc.chain.market.JobDigest;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.market.TaskMachine;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.ConsensusKey;
import org.cpc.chain.staking.Staking;
import org.cpc.chain.staking.StakingPayload;
import org.cpc.chain.staking.StakingRules;
import org.cpc.chain.staking.WorkBonds;
import org.cpc.chain.state.ByteKey;
import org.cpc.chain.WorkerStats;
import org.cpc.compute.SyntheticTask;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Executes transactions and finishes blocks: the state machine. Deterministic: the same committed state, block
 * height, timestamp, proposer and transactions give the same writes, on every node. No clock, no randomness, no
 * floating point; the verifier and the verified-signature memos never change an outcome.
 */
public final class BlockExecutor {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    /** Most expired market tasks one block fails (oldest deadline first); the rest wait for the next blocks. */
    public static final int MAX_EXPIRIES_PER_BLOCK = 4096;
    private static final int MARKET_MEMO = 100_000;

    private final NetworkParams params;
    private final ResultVerifier verifier;
    private final VerifiedCache verified;
    private final String treasury;
    private final ResultAuditor auditor = new ResultAuditor();
    /** Market results whose signatures this node checked: tx hash → what they say. A memo only. */
    private final ConcurrentHashMap<ByteKey, MarketSignatures> marketVerified = new ConcurrentHashMap<>();
    private final FraudProofs fraudProofs = new FraudProofs();

    /**
     * The PoC validators are the accounts with a PoC validator bond of at least {@code min_poc_bond} (the genesis
     * ones get theirs at genesis), read from state: {@link WorkBonds#isPoc}.
     *
     * @param treasury the genesis treasury address
     */
    public BlockExecutor(NetworkParams params, ResultVerifier verifier, VerifiedCache verified, String treasury) {
        this.params = params;
        this.verifier = verifier;
        this.verified = verified;
        this.treasury = treasury;
    }

    public NetworkParams params() {
        return params;
    }

    /**
     * The L1 rules of a synthetic result that depend on the chain: block {@code h = nonce} exists, is older than
     * the including block {@code height} by at most {@code synthetic_window}, the task_id is the one derived from
     * its hash and the worker, and no result for the task_id was accepted before. Returns the source block hash.
     */
    public String checkResultAgainstChain(ComputeResult r, long height, ChainView chain, WorldState state)
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

    /** Signature and (for results) proof verification, skipped when this node verified the same tx before. */
    public void verifyExpensive(PreparedTx p, ComputeResult r, VerificationContext ctx) throws TxRejected {
        verifyExpensive(p, r == null ? null : () -> {
            ResultVerifier.Verdict v = verifier.verify(r, ctx);
            if (!v.valid()) throw new TxRejected.InvalidProof("result proof rejected: " + v.reason());
        });
    }

    /**
     * Whether the costly checks of a transaction of this type are its signature alone, so that a signature
     * verified ahead of execution (on another thread, in any order) may be memoized as the whole check. Not for
     * SUBMIT_RESULT (a proof) nor staking types (a first STAKE's proof of possession, SUBMIT_EVIDENCE's votes).
     */
    public static boolean signatureOnly(TxType type) {
        return switch (type) {
            case TRANSFER, CREATE_TASK, CANCEL_TASK, CHALLENGE_RESULT -> true;
            default -> false;
        };
    }

    /** A check too costly to repeat, whose verdict depends on the transaction alone (memoized with it). */
    interface CostlyCheck {
        void run() throws TxRejected;
    }

    private void verifyExpensive(PreparedTx p, CostlyCheck after) throws TxRejected {
        if (verified != null && verified.contains(p)) return;
        TxRules.checkSignature(p);
        if (after != null) after.run();
        if (verified != null) verified.add(p);
    }

    /**
     * The signatures of a market job result: the transaction's, the worker's over the job digest (it must recover
     * worker_address) and, for a worker-sent result, the attestation in {@code proof} (it must recover a PoC
     * validator bonded at least {@code min_poc_bond}). Returns the PoC validator the job is credited to. The
     * signatures are memoized per (tx hash, signature); the bond is read from {@code bonds} every time.
     */
    public String verifyMarket(PreparedTx p, ComputeResult r, WorkBonds bonds) throws TxRejected {
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
     * attestation recovers. Memoized per (tx hash, signature); {@link BlockValidator} runs it ahead on all cores.
     */
    public void preverifyMarket(PreparedTx p, ComputeResult r) throws TxRejected {
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

    /**
     * The mempool's exclusive slot of a transaction, or null: one pending result per synthetic task_id
     * ("task_id X") and per market job ("job N of task X"), one pending CREATE_TASK per task_id.
     */
    public String slot(TxRules.Checked c, Transaction tx, WorldState state) {
        return switch (tx.txType()) {
            case SUBMIT_RESULT -> state.task(c.result().taskId()) != null
                    ? "job " + c.result().nonce() + " of task " + c.result().taskId()
                    : "task_id " + c.result().taskId();
            case CREATE_TASK -> "CREATE_TASK of task " + c.task().taskId();
            case FRAUD_PROOF -> FraudProofs.slot(tx);
            case CHALLENGE_RESULT -> "CHALLENGE_RESULT of task " + c.namedTaskId();
            default -> null;
        };
    }

    /**
     * What a checked transaction will do: every rule of its type against {@code state} (cheap ones first, then the
     * signatures and proofs) without changing anything.
     *
     * @param task the market task a market result or CANCEL_TASK names (null otherwise)
     * @param pocValidator the PoC validator a market result is credited to
     */
    public record Plan(TxRules.Checked checked, boolean marketResult, MarketTask task, String pocValidator,
                       VerificationContext ctx, long gas) {}

    /** Checks a transaction's type-specific rules at {@code height}, block time {@code nowS} (unix seconds). */
    public Plan plan(PreparedTx p, TxRules.Checked c, WorldState state, ChainView chain, long height, long nowS)
            throws TxRejected {
        Transaction tx = p.tx();
        MarketTask task = null; // the task a CANCEL_TASK names
        CostlyCheck costly = null;
        switch (tx.txType()) {
            case SUBMIT_RESULT -> {
                return planResult(p, c, state, chain, height, nowS);
            }
            case CREATE_TASK -> {
                ComputeTask t = c.task();
                if (state.task(t.taskId()) != null) {
                    throw new TxRejected("task_id " + t.taskId() + " is already used by a market task");
                }
                if (state.resultAccepted(t.taskId())) {
                    throw new TxRejected("task_id " + t.taskId() + " is already used by a synthetic result");
                }
                TaskMachine.checkDeadline(t.deadline(), nowS, params.maxTaskLifetimeS());
            }
            case CANCEL_TASK -> {
                task = state.task(c.namedTaskId());
                if (task == null) throw new TxRejected("no market task " + c.namedTaskId());
                TaskMachine.cancel(task, tx.fromAddress());
            }
            case STAKE, UNSTAKE, DELEGATE, UNDELEGATE, WITHDRAW_REWARDS, UPDATE_VALIDATOR, UNJAIL, SUBMIT_EVIDENCE ->
                    costly = StakingTx.of(tx, c.staking(), height, params.chainId()).check()
                            .against(new Staking(params.staking(), state, treasury));
            case BOND -> new WorkBonds(params, state).checkBond(tx.fromAddress(), c.bond(), tx.amount());
            case UNBOND -> {
                new WorkBonds(params, state).checkUnbond(tx.fromAddress(), c.bond().role(), tx.amount());
                new Disputes(state).checkUnbond(tx.fromAddress(), c.bond().role(), nowS);
            }
            case FRAUD_PROOF -> {
                // Its signature is checked after its stateful rules and before the proof is verified.
                fraudProofs.judge(p, state, params, height, nowS, () -> verifyExpensive(p, null, null));
                return new Plan(c, false, null, null, null, GasSchedule.gas(tx, params, false));
            }
            case CHALLENGE_RESULT -> Audits.checkChallenge(params, state, c.namedTaskId(), height);
            default -> { }
        }
        verifyExpensive(p, costly);
        return new Plan(c, false, task, null, null, GasSchedule.gas(tx, params, false));
    }

    /** The rules of a SUBMIT_RESULT: a synthetic result's proof, or a market job's form, task state and signatures. */
    private Plan planResult(PreparedTx p, TxRules.Checked c, WorldState state, ChainView chain, long height, long nowS)
            throws TxRejected {
        Transaction tx = p.tx();
        ComputeResult r = c.result();
        MarketTask task = state.task(r.taskId());
        if (task == null) {
            TxRules.checkSyntheticForm(tx, r, params);
            new WorkBonds(params, state).checkWorkerAdmitted(r.workerAddress());
            String src = checkResultAgainstChain(r, height, chain, state);
            VerificationContext ctx = new VerificationContext(params, height, r.nonce(), src);
            verifyExpensive(p, r, ctx);
            return new Plan(c, false, null, null, ctx, GasSchedule.gas(tx, params, false));
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
        return new Plan(c, true, task, poc, null, GasSchedule.gas(tx, params, true));
    }

    /**
     * Starts a block at {@code height} with timestamp {@code timestampMs} on top of committed state, proposed by the
     * validator with consensus address {@code proposerAddress}. First of all, market tasks whose deadline is before
     * the block's time (timestamp / 1000) fail and give their escrow back, in (deadline, task_id) order, at most
     * {@link #MAX_EXPIRIES_PER_BLOCK}; then the random audits of synthetic results are selected and run
     * ({@link Audits#start}); then the unbonding entries maturing at this height are paid, and the previous
     * block's certificate is counted for liveness.
     *
     * @param rewardAddress who takes the validators' part of the block when the active set is empty
     * @param previousSigners the consensus addresses whose signatures are in the block's {@code last_commit} (the
     *     certificate of block {@code height − 1}); null at height 1, which has none
     */
    public Session begin(StateReader base, ChainView chain, DeadlineIndex deadlines, long height, long timestampMs,
                         String proposerAddress, String rewardAddress, Set<String> previousSigners) {
        Session s = new Session(new WorldState(base), chain, height, Math.floorDiv(timestampMs, 1000),
                proposerAddress, rewardAddress);
        s.expireTasks(deadlines);
        s.audits.start(chain);
        s.startStaking(previousSigners);
        return s;
    }

    /** The execution of one block in progress. Not thread-safe. */
    public final class Session {
        private final WorldState state;
        private final ChainView chain;
        private final long height;
        private final long nowS;
        private final String proposerAddress;
        private final String rewardAddress;
        private final Staking staking;
        private final WorkBonds bonds;
        private final Audits audits;
        /** The synthetic results accepted so far: their worker and position; paid when the block finishes. */
        private final List<SyntheticAccepted> syntheticResults = new ArrayList<>();
        /** What each accepted result was paid, market jobs as they settle, synthetic results at the finish. */
        private final List<ResultPayment> payments = new ArrayList<>();
        private final List<Long> gasPerTx = new ArrayList<>();
        private final List<String> failedTasks = new ArrayList<>();
        private BigInteger fees = BigInteger.ZERO;
        private long gasUsed;

        Session(WorldState state, ChainView chain, long height, long nowS, String proposerAddress,
                String rewardAddress) {
            this.state = state;
            this.chain = chain;
            this.height = height;
            this.nowS = nowS;
            this.proposerAddress = proposerAddress;
            this.rewardAddress = rewardAddress;
            this.staking = new Staking(params.staking(), state, treasury);
            this.bonds = new WorkBonds(params, state);
            this.audits = new Audits(params, state, bonds, auditor, height);
        }

        public long gasUsed() {
            return gasUsed;
        }

        public long height() {
            return height;
        }

        public WorldState state() {
            return state;
        }

        private void credit(String address, BigInteger wei) {
            state.credit(address, wei);
        }

        void startStaking(Set<String> previousSigners) {
            staking.pruneSets(height);
            staking.matureUnbonding(height);
            bonds.matureUnbonding(height);
            if (previousSigners != null) staking.recordSignatures(height, previousSigners);
        }

        /**
         * The double-sign evidence a block carries in its {@code evidence}, before its transactions: each item is
         * checked exactly as a SUBMIT_EVIDENCE payload (form, age, not yet tombstoned, both ML-DSA-65 signatures of
         * the key) and slashes its validator. A block with an item that fails is invalid, so proposers include only
         * what passes these checks against the head state.
         */
        public void applyEvidence(List<com.fasterxml.jackson.databind.JsonNode> evidence) throws TxRejected {
            for (com.fasterxml.jackson.databind.JsonNode n : evidence) {
                if (!(n instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
                    throw new TxRejected("an evidence item must be an object {\"first\": vote, \"second\": vote}");
                }
                StakingPayload.Evidence e = StakingPayload.evidence(o);
                ConsensusKey key = staking.checkEvidence(e.votes().validatorAddress(), e.votes().height(), height);
                if (!e.verifies(params.chainId(), key.publicKey())) {
                    throw new TxRejected("evidence against " + key.consensusAddress() + " is not signed by its key");
                }
                staking.doubleSign(key.operatorAddress(), e.votes().height());
            }
        }

        void expireTasks(DeadlineIndex deadlines) {
            for (DeadlineIndex.Entry e : deadlines.due(nowS, MAX_EXPIRIES_PER_BLOCK)) {
                MarketTask t = state.task(e.taskId());
                if (t == null || !TaskMachine.expired(t, nowS)) continue; // the index only holds open tasks
                TaskMachine.Closed c = TaskMachine.expire(t, nowS);
                state.setTask(c.task());
                credit(t.creator(), c.refund());
                failedTasks.add(t.taskId());
            }
        }

        /** Applies a transaction with no limit but the block's; see {@link #tryApply}. */
        public long apply(PreparedTx p) throws TxRejected {
            return tryApply(p, Long.MAX_VALUE);
        }

        /**
         * Checks a transaction against every rule and, only if all pass and its gas fits in {@code gasRoom},
         * applies it. A rejected transaction leaves the state as it was. Returns the gas it used, or -1 when it
         * does not fit (nothing changed; it may fit in a later block).
         */
        public long tryApply(PreparedTx p, long gasRoom) throws TxRejected {
            Transaction tx = p.tx();
            TxRules.Checked c = TxRules.checkStateless(p, params);
            Account from = state.account(tx.fromAddress());
            if (tx.nonce() != from.nonce()) {
                throw new TxRejected(tx.nonce() < from.nonce()
                        ? "nonce " + tx.nonce() + " is below the account's next nonce " + from.nonce()
                        : "nonce " + tx.nonce() + " is above the account's next nonce " + from.nonce());
            }
            BigInteger need = StakingRules.spent(tx).add(tx.fee());
            if (from.balance().compareTo(need) < 0) {
                throw new TxRejected("insufficient balance: has " + from.balance() + " wei, needs " + need
                        + (need.equals(tx.fee()) ? " (fee)" : " (amount + fee)"));
            }
            if (GasSchedule.minimumGas(tx, params) > gasRoom) return -1;
            Plan plan = plan(p, c, state, chain, height, nowS);
            long gas = plan.gas();
            if (gas > gasRoom) return -1;

            BigInteger charge = BigInteger.valueOf(gas).multiply(BigInteger.valueOf(tx.gasPrice()));
            BigInteger debit = StakingRules.spent(tx).add(charge);
            state.setAccount(tx.fromAddress(), new Account(from.balance().subtract(debit), from.nonce() + 1));
            switch (tx.txType()) {
                case TRANSFER -> credit(tx.toAddress(), tx.amount());
                case SUBMIT_RESULT -> {
                    ComputeResult r = c.result();
                    if (plan.marketResult()) {
                        settleJob(p, r, plan);
                    } else {
                        state.acceptResult(r.taskId(), height, p.hash());
                        syntheticResults.add(new SyntheticAccepted(gasPerTx.size(), r.workerAddress()));
                        audits.accepted(r, plan.ctx().sourceBlockHash());
                    }
                }
                case CREATE_TASK -> {
                    ComputeTask t = c.task();
                    byte[] payload = Jcs.canonicalize(t.payload());
                    state.setTask(TaskMachine.create(t.taskId(), tx.fromAddress(), t.challengeType(),
                            Hex.encode(org.cpc.protocol.crypto.Sha256.hash(payload)), t.reward(), t.deadline(),
                            c.jobs(), height));
                    state.putPayload(t.taskId(), payload);
                }
                case CANCEL_TASK -> {
                    TaskMachine.Closed closed = TaskMachine.cancel(plan.task(), tx.fromAddress());
                    state.setTask(closed.task());
                    credit(plan.task().creator(), closed.refund());
                }
                case BOND -> bonds.bond(tx.fromAddress(), c.bond(), tx.amount());
                case UNBOND -> bonds.unbond(tx.fromAddress(), c.bond().role(), tx.amount(), height);
                case FRAUD_PROOF -> FraudProofs.apply(fraudProofs.judge(p, state, params, height, nowS, () -> {}),
                        tx.fromAddress(), p.hashHex(), state, bonds, params, height);
                case CHALLENGE_RESULT -> audits.challenge(c.namedTaskId(), tx.fromAddress());
                default -> StakingTx.of(tx, c.staking(), height, params.chainId()).apply().on(staking);
            }
            fees = fees.add(charge);
            gasUsed += gas;
            gasPerTx.add(gas);
            return gas;
        }

        private void settleJob(PreparedTx p, ComputeResult r, Plan plan) throws TxRejected {
            TaskMachine.Settled s = TaskMachine.acceptJob(plan.task(), r.nonce(), nowS, params);
            TaskMachine.Split split = s.split();
            state.setTask(s.task());
            credit(r.workerAddress(), split.worker());
            credit(plan.pocValidator(), split.poc());
            credit(treasury, split.treasury());
            WorkerStats w = state.worker(r.workerAddress());
            state.setWorker(r.workerAddress(), new WorkerStats(w.accepted() + 1, w.earned().add(split.worker())));
            bonds.recordSettled(plan.pocValidator());
            new Disputes(state).recordSettled(s.task(), r.workerAddress(), plan.pocValidator(), height);
            state.putJob(new JobRecord(r.taskId(), Math.toIntExact(r.nonce()), r.workerAddress(), r.resultHash(),
                    plan.pocValidator(), height, p.hashHex(), split.worker(), split.poc(), split.treasury()));
            payments.add(new ResultPayment(gasPerTx.size(), ResultPayment.Kind.MARKET, split.worker(),
                    plan.pocValidator()));
        }

        /**
         * Pays the block reward and the fees, decides the active set of height + 2, and returns the block's state
         * changes: the compute share of the reward goes in equal parts to the block's synthetic results; the rest of
         * it (so the remainder of the division too) and the fees are the validators' part, which the active set in
         * effect shares by power ({@link Staking#distribute}), or the proposer's reward address takes when that set
         * is empty.
         */
        public Outcome finish() {
            BigInteger reward = params.blockRewardAt(height);
            BigInteger validatorsPart = reward.add(fees);
            if (!syntheticResults.isEmpty()) {
                BigInteger each = syntheticResultReward(params, height, syntheticResults.size());
                for (SyntheticAccepted a : syntheticResults) {
                    credit(a.worker(), each);
                    WorkerStats s = state.worker(a.worker());
                    state.setWorker(a.worker(), new WorkerStats(s.accepted() + 1, s.earned().add(each)));
                    payments.add(new ResultPayment(a.index(), ResultPayment.Kind.SYNTHETIC, each, null));
                }
                validatorsPart = validatorsPart.subtract(each.multiply(BigInteger.valueOf(syntheticResults.size())));
                audits.finish(each);
            }
            if (!staking.distribute(height, proposerAddress, validatorsPart)) credit(rewardAddress, validatorsPart);
            staking.decideSet(height);
            List<ResultPayment> byIndex = new ArrayList<>(payments);
            byIndex.sort(Comparator.comparingInt(ResultPayment::index));
            return new Outcome(state.writes(), state.indexWrites(), gasUsed, List.copyOf(gasPerTx), reward, fees,
                    List.copyOf(failedTasks), List.copyOf(byIndex));
        }
    }

    private record SyntheticAccepted(int index, String worker) {}

    /**
     * What each of the {@code results} synthetic results of the block at {@code height} earns: the block reward's
     * compute share ({@code compute_reward_share_bps}) divided evenly, rounded down. The one place of this rule.
     */
    public static BigInteger syntheticResultReward(NetworkParams params, long height, int results) {
        BigInteger pool = params.blockRewardAt(height).multiply(BigInteger.valueOf(params.computeRewardShareBps()))
                .divide(BPS);
        return pool.divide(BigInteger.valueOf(results));
    }

    /**
     * A finished block's execution.
     *
     * @param indexWrites changes to the deadline index of open market tasks (not state; stored beside it)
     * @param minted the block reward created by this block
     * @param fees the fees moved from senders to the proposer
     * @param failedTasks market tasks this block failed at its start (deadline passed), in index order
     * @param resultPayments what each SUBMIT_RESULT of the block paid its worker, in block order
     */
    public record Outcome(List<StateWrite> writes, List<DeadlineIndex.Write> indexWrites, long gasUsed,
                          List<Long> gasPerTx, BigInteger minted, BigInteger fees, List<String> failedTasks,
                          List<ResultPayment> resultPayments) {}
}
