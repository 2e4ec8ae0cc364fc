package org.cpc.chain.exec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.Account;
import org.cpc.chain.state.StateKeys.WorkerStats;
import org.cpc.compute.SyntheticTask;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Executes transactions and finishes blocks: the state machine. Deterministic: the same committed state, block
 * height, proposer and transactions give the same writes, on every node. No clock, no randomness, no floating
 * point; the verifier and the verified-signature memo never change an outcome.
 */
public final class BlockExecutor {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private final NetworkParams params;
    private final ResultVerifier verifier;
    private final VerifiedCache verified;

    public BlockExecutor(NetworkParams params, ResultVerifier verifier, VerifiedCache verified) {
        this.params = params;
        this.verifier = verifier;
        this.verified = verified;
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
        if (verified != null && verified.contains(p)) return;
        TxRules.checkSignature(p);
        if (r != null) {
            ResultVerifier.Verdict v = verifier.verify(r, ctx);
            if (!v.valid()) throw new TxRejected.InvalidProof("result proof rejected: " + v.reason());
        }
        if (verified != null) verified.add(p);
    }

    /** Starts a block at {@code height} on top of committed state; fees and rewards go to {@code rewardAddress}. */
    public Session begin(StateReader base, ChainView chain, long height, String rewardAddress) {
        return new Session(new WorldState(base), chain, height, rewardAddress);
    }

    /** The execution of one block in progress. Not thread-safe. */
    public final class Session {
        private final WorldState state;
        private final ChainView chain;
        private final long height;
        private final String rewardAddress;
        private final List<String> resultWorkers = new ArrayList<>();
        private final List<Long> gasPerTx = new ArrayList<>();
        private BigInteger fees = BigInteger.ZERO;
        private long gasUsed;

        Session(WorldState state, ChainView chain, long height, String rewardAddress) {
            this.state = state;
            this.chain = chain;
            this.height = height;
            this.rewardAddress = rewardAddress;
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

        /**
         * Checks a transaction against every rule and, only if all pass, applies it. A rejected transaction
         * leaves the state as it was. Returns the gas it used.
         */
        public long apply(PreparedTx p) throws TxRejected {
            Transaction tx = p.tx();
            ComputeResult r = TxRules.checkStateless(p, params);
            Account from = state.account(tx.fromAddress());
            if (tx.nonce() != from.nonce()) {
                throw new TxRejected(tx.nonce() < from.nonce()
                        ? "nonce " + tx.nonce() + " is below the account's next nonce " + from.nonce()
                        : "nonce " + tx.nonce() + " is above the account's next nonce " + from.nonce());
            }
            BigInteger need = tx.amount().add(tx.fee());
            if (from.balance().compareTo(need) < 0) {
                throw new TxRejected("insufficient balance: has " + from.balance() + " wei, needs " + need
                        + " (amount + fee)");
            }
            VerificationContext ctx = null;
            if (r != null) {
                String src = checkResultAgainstChain(r, height, chain, state);
                ctx = new VerificationContext(params, height, r.nonce(), src);
            }
            verifyExpensive(p, r, ctx);

            long gas = TxRules.intrinsicGas(tx, params);
            BigInteger charge = BigInteger.valueOf(gas).multiply(BigInteger.valueOf(tx.gasPrice()));
            BigInteger debit = tx.amount().add(charge);
            state.setAccount(tx.fromAddress(), new Account(from.balance().subtract(debit), from.nonce() + 1));
            if (tx.txType() == TxType.TRANSFER) {
                Account to = state.account(tx.toAddress());
                state.setAccount(tx.toAddress(), new Account(to.balance().add(tx.amount()), to.nonce()));
            } else if (tx.txType() == TxType.SUBMIT_RESULT) {
                state.acceptResult(r.taskId(), height, p.hash());
                resultWorkers.add(r.workerAddress());
            }
            fees = fees.add(charge);
            gasUsed += gas;
            gasPerTx.add(gas);
            return gas;
        }

        /** Pays the block reward and the fees, and returns the block's state changes. */
        public Outcome finish() {
            BigInteger reward = params.blockRewardAt(height);
            BigInteger proposerTake = reward.add(fees);
            if (!resultWorkers.isEmpty()) {
                BigInteger pool = reward.multiply(BigInteger.valueOf(params.computeRewardShareBps())).divide(BPS);
                BigInteger each = pool.divide(BigInteger.valueOf(resultWorkers.size()));
                for (String w : resultWorkers) {
                    Account a = state.account(w);
                    state.setAccount(w, new Account(a.balance().add(each), a.nonce()));
                    WorkerStats s = state.worker(w);
                    state.setWorker(w, new WorkerStats(s.accepted() + 1, s.earned().add(each)));
                }
                proposerTake = proposerTake.subtract(each.multiply(BigInteger.valueOf(resultWorkers.size())));
            }
            Account pa = state.account(rewardAddress);
            state.setAccount(rewardAddress, new Account(pa.balance().add(proposerTake), pa.nonce()));
            return new Outcome(state.writes(), gasUsed, List.copyOf(gasPerTx), reward, fees);
        }
    }

    /**
     * A finished block's execution.
     *
     * @param minted the block reward created by this block
     * @param fees the fees moved from senders to the proposer
     */
    public record Outcome(List<StateWrite> writes, long gasUsed, List<Long> gasPerTx, BigInteger minted,
                          BigInteger fees) {}
}
