package org.cpc.chain.exec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.cpc.chain.Account;
import org.cpc.chain.market.Disputes;
import org.cpc.chain.audit.Audits;
import org.cpc.chain.audit.ResultAuditor;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.market.TaskMachine;
import org.cpc.chain.staking.ConsensusKey;
import org.cpc.chain.staking.Staking;
import org.cpc.chain.staking.StakingPayload;
import org.cpc.chain.staking.StakingRules;
import org.cpc.chain.staking.WorkBonds;
import org.cpc.chain.WorkerStats;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Executes transactions and finishes blocks: the state machine. Deterministic: the same committed state, block
 * height, timestamp, proposer and transactions give the same writes, on every node. No clock, no randomness, no
 * floating point; the verifier and the verified-signature memos never change an outcome.
 *
 * <p>A transaction is first planned ({@link #plan}): the rules of its type run against state, changing nothing,
 * and return its {@link TxEffect}, which {@link Session#tryApply} runs once the sender has paid. The rules and
 * effect of each type sit together: here for the one-line ones (TRANSFER, BOND, UNBOND, CHALLENGE_RESULT), else in
 * {@link ResultTx} (SUBMIT_RESULT), {@link MarketTaskTx} (CREATE_TASK, CANCEL_TASK), {@link FraudProofs}
 * (FRAUD_PROOF) and {@link StakingTx} (the staking types).
 */
public final class BlockExecutor {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);
    /** Most expired market tasks one block fails (oldest deadline first); the rest wait for the next blocks. */
    public static final int MAX_EXPIRIES_PER_BLOCK = 4096;

    private final NetworkParams params;
    private final ResultVerifier verifier;
    private final VerifiedCache verified;
    private final String treasury;
    private final ResultAuditor auditor = new ResultAuditor();
    private final ResultTx results;
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
        this.results = new ResultTx(params, treasury, this::verifyExpensive);
    }

    public NetworkParams params() {
        return params;
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
     * The state-free checks of a market job result: the transaction's and the worker's signatures, and who the
     * attestation recovers. Memoized per (tx hash, signature); {@link BlockValidator} runs them ahead on all cores.
     */
    public void preverifyMarket(PreparedTx p, ComputeResult r) throws TxRejected {
        results.preverifyMarket(p, r);
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
     * What a checked transaction will do: the gas it uses and its effect on the block, which the rules of its type
     * return once they all passed.
     */
    public record Plan(long gas, TxEffect effect) {}

    /**
     * Checks every rule of a transaction's type against {@code state} at {@code height}, block time {@code nowS}
     * (unix seconds), cheap ones first, then the signatures and proofs, without changing anything; each type's rules
     * return its effect.
     */
    public Plan plan(PreparedTx p, TxRules.Checked c, WorldState state, ChainView chain, long height, long nowS)
            throws TxRejected {
        Transaction tx = p.tx();
        String from = tx.fromAddress();
        CostlyCheck costly = null; // checked after the signature
        TxEffect effect;
        switch (tx.txType()) {
            case SUBMIT_RESULT -> {
                return results.plan(p, c.result(), state, chain, height, nowS); // its own signature checks and gas
            }
            case FRAUD_PROOF -> {
                // Its signature is checked after its stateful rules and before the proof is verified.
                effect = fraudProofs.check(p, state, params, height, nowS, () -> verifyExpensive(p, null));
                return new Plan(GasSchedule.gas(tx, params, false), effect);
            }
            case TRANSFER -> effect = b -> b.credit(tx.toAddress(), tx.amount());
            case CREATE_TASK -> effect = MarketTaskTx.create(tx, c.task(), c.jobs(), state, height, nowS, params);
            case CANCEL_TASK -> effect = MarketTaskTx.cancel(tx, c.namedTaskId(), state);
            case BOND -> {
                new WorkBonds(params, state).checkBond(from, c.bond(), tx.amount());
                effect = b -> b.bonds().bond(from, c.bond(), tx.amount());
            }
            case UNBOND -> {
                new WorkBonds(params, state).checkUnbond(from, c.bond().role(), tx.amount());
                new Disputes(state).checkUnbond(from, c.bond().role(), nowS);
                effect = b -> b.bonds().unbond(from, c.bond().role(), tx.amount(), height);
            }
            case CHALLENGE_RESULT -> {
                Audits.checkChallenge(params, state, c.namedTaskId(), height);
                effect = b -> b.audits().challenge(c.namedTaskId(), from);
            }
            default -> { // the staking types (StakingTx.of refuses any other)
                StakingTx s = StakingTx.of(tx, c.staking(), height, params.chainId());
                costly = s.check().against(new Staking(params.staking(), state, treasury));
                effect = b -> s.apply().on(b.staking());
            }
        }
        verifyExpensive(p, costly);
        return new Plan(GasSchedule.gas(tx, params, false), effect);
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

        void credit(String address, BigInteger wei) {
            state.credit(address, wei);
        }

        WorkBonds bonds() {
            return bonds;
        }

        Audits audits() {
            return audits;
        }

        Staking staking() {
            return staking;
        }

        /** A synthetic result accepted by the transaction being applied: paid when the block finishes. */
        void acceptSynthetic(String worker) {
            syntheticResults.add(new SyntheticAccepted(gasPerTx.size(), worker));
        }

        /** What the transaction being applied paid for a result. */
        void paid(ResultPayment.Kind kind, BigInteger reward, String pocValidator) {
            payments.add(new ResultPayment(gasPerTx.size(), kind, reward, pocValidator));
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
            plan.effect().on(this);
            fees = fees.add(charge);
            gasUsed += gas;
            gasPerTx.add(gas);
            return gas;
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
