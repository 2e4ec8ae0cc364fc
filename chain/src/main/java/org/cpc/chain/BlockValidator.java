package org.cpc.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.TxRules;
import org.cpc.chain.exec.VerificationContext;
import org.cpc.chain.exec.VerifiedCache;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStore;
import org.cpc.compute.SyntheticTask;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Roots;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a block may follow the head: the clock bound (the one rule that reads the clock, checked here
 * at the edge), the {@link HeaderRules}, and execution of its transactions, whose result the header must match.
 * A block executed before (proposed here, or validated and then committed) is not executed again. Not
 * thread-safe: the chain calls it under its writer lock.
 */
final class BlockValidator {
    private static final Logger LOG = LoggerFactory.getLogger(BlockValidator.class);
    /** At most one log line per this long about blocks from the future: consensus may see several a second. */
    static final long FUTURE_LOG_INTERVAL_MS = 10_000;
    /** Executed blocks by hash, so that commit after propose or validate does not execute twice. */
    private final Map<String, ExecutedBlock> executed = new HashMap<>();
    private final NetworkParams params;
    private final java.util.function.LongFunction<HeaderRules.Sets> sets;
    private final BlockExecutor executor;
    private final VerifiedCache verified;
    private final ChainStore store;
    private final ChainHead head;
    private final SparseMerkleTree tree;
    private final LongSupplier clockMs;
    /** The prepared form (hash) of each transaction that is pending in this node's mempool as that object, or null. */
    private final Function<List<Transaction>, PreparedTx[]> pending;
    /** Refusals by the clock rule since the last one logged, and when that was (monotonic ms). */
    private long futureRefusals;
    private long lastFutureLogMs = Long.MIN_VALUE;

    /** @param sets the validator sets a block of a height is checked against, from committed state */
    BlockValidator(NetworkParams params, java.util.function.LongFunction<HeaderRules.Sets> sets, BlockExecutor executor,
                   VerifiedCache verified, ChainStore store, ChainHead head, SparseMerkleTree tree,
                   LongSupplier clockMs, Function<List<Transaction>, PreparedTx[]> pending) {
        this.params = params;
        this.pending = pending;
        this.sets = sets;
        this.executor = executor;
        this.verified = verified;
        this.store = store;
        this.head = head;
        this.tree = tree;
        this.clockMs = clockMs;
    }

    /** Checks a block against the head; returns it executed, ready to commit. */
    ExecutedBlock check(Block b) throws InvalidBlockException {
        checkNotFromTheFuture(b.header());
        HeaderRules.Sets s = sets.apply(head.block().header().height() + 1);
        HeaderRules.Checked checked = HeaderRules.check(b, head.block(), params, s);
        ExecutedBlock e = executed.get(b.hashHex());
        if (e != null && sameSignatures(e.block(), b)) return e;
        e = execute(b, checked, s);
        remember(e);
        return e;
    }

    /** Keeps a block executed elsewhere (a proposal) so that checking it again costs nothing. */
    void remember(ExecutedBlock e) {
        if (executed.size() > 8) executed.clear();
        executed.put(e.block().hashHex(), e);
    }

    /** The head moved: every block executed on the old head is stale. */
    void forget() {
        executed.clear();
    }

    /**
     * A block may be at most max_future_block_ms ahead of this node's clock. A refusal is logged (once per
     * {@link #FUTURE_LOG_INTERVAL_MS} at most, with a count): when it is this node's clock that is behind, the node
     * can follow no block of the chain, and its operator has to be told why.
     */
    private void checkNotFromTheFuture(BlockHeader h) throws InvalidBlockException {
        long now = clockMs.getAsLong();
        if (h.timestamp() > now + params.maxFutureBlockMs()) {
            long ahead = h.timestamp() - now;
            futureRefusals++;
            long mono = System.nanoTime() / 1_000_000;
            if (lastFutureLogMs == Long.MIN_VALUE || mono - lastFutureLogMs >= FUTURE_LOG_INTERVAL_MS) {
                LOG.warn("refusing block {} (and {} more since the last line like this): its timestamp {} is {} ms "
                        + "ahead of this node's clock {}, beyond max_future_block_ms {}. If this node's clock is "
                        + "behind, correct it (NTP): until then it can follow no block from a correct clock",
                        h.height(), futureRefusals - 1, h.timestamp(), ahead, now, params.maxFutureBlockMs());
                lastFutureLogMs = mono;
                futureRefusals = 0;
            }
            throw new BlockFromTheFutureException("timestamp " + h.timestamp() + " is more than max_future_block_ms "
                    + params.maxFutureBlockMs() + " ahead of this node's clock " + now, ahead);
        }
    }

    /** The header hash does not cover the transactions' signatures: a cached execution counts only with the same. */
    private static boolean sameSignatures(Block a, Block b) {
        List<Transaction> x = a.transactions(), y = b.transactions();
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) {
            if (!Objects.equals(x.get(i).signature(), y.get(i).signature())) return false;
        }
        return true;
    }

    private ExecutedBlock execute(Block b, HeaderRules.Checked checked, HeaderRules.Sets sets)
            throws InvalidBlockException {
        BlockHeader h = b.header();
        String proposer = checked.proposer().address();
        BlockExecutor.Session s = executor.begin(store::state, head, store.deadlines(), h.height(), h.timestamp(),
                proposer, sets.operatorOf(proposer), checked.lastCommitSigners());
        try {
            s.applyEvidence(b.evidence());
        } catch (TxRejected e) {
            throw new InvalidBlockException("evidence is invalid: " + e.reason());
        }
        List<byte[]> hashes = new ArrayList<>(b.transactions().size());
        List<PreparedTx> prepared = preverify(b.transactions(), h.height());
        int i = 0;
        for (Transaction tx : b.transactions()) {
            PreparedTx p;
            try {
                p = prepared.get(i) != null ? prepared.get(i) : PreparedTx.of(tx);
                s.apply(p);
            } catch (TxRejected e) {
                throw new InvalidBlockException("transaction " + i + " (" + tx.hashHex() + ") is invalid: " + e.reason());
            } catch (RuntimeException e) {
                throw new InvalidBlockException("transaction " + i + " is malformed: " + e.getMessage());
            }
            hashes.add(p.hash());
            i++;
        }
        BlockExecutor.Outcome o = s.finish();
        HeaderRules.checkExecuted(h, o.gasUsed(), HeaderRules.txRoot(hashes), Roots.computeRoot(b.transactions()));
        SparseMerkleTree.Update u = tree.update(head.stateRoot(), StateWrite.treeChanges(o.writes()));
        HeaderRules.checkStateRoot(h, Hex.encode(u.root().hash()));
        return new ExecutedBlock(b, o, u, hashes);
    }

    /**
     * Hashes the block's transactions (those rebuilt from this node's mempool keep the hash of their admission) and
     * runs the expensive checks — TRANSFER signatures, SUBMIT_RESULT signatures
     * and proofs — on all cores before the sequential execution, which then finds them in the verified cache.
     * Only a speed-up: a failure here is left for the sequential pass to report in order, and a proof's verdict
     * depends only on the transaction and its source block, which is already committed.
     */
    private List<PreparedTx> preverify(List<Transaction> txs, long height) {
        PreparedTx[] out = pending.apply(txs);
        IntStream.range(0, out.length).parallel().forEach(i -> {
            try {
                PreparedTx p = out[i] != null ? out[i] : PreparedTx.of(txs.get(i));
                out[i] = p;
                if (verified.contains(p)) return;
                // A staking transaction's memo must also cover its proof of possession or evidence votes, which
                // only the sequential pass checks.
                if (BlockExecutor.signatureOnly(p.tx().txType())) {
                    TxRules.checkSignature(p);
                    verified.add(p);
                    return;
                }
                if (p.tx().txType() != TxType.SUBMIT_RESULT) return;
                ComputeResult r = TxRules.checkStateless(p, params).result();
                if (store.state(StateKeys.TASK, StateKeys.key(StateKeys.TASK, r.taskId())) != null) {
                    executor.preverifyMarket(p, r); // a market result (tasks are never deleted)
                    return;
                }
                String src = head.blockHash(r.nonce());
                // Only what looks like a synthetic result gets its proof checked here: the verified memo of a
                // SUBMIT_RESULT means "signature and proof verified".
                if (src != null && SyntheticTask.taskIdOf(src, r.workerAddress()).equals(r.taskId())
                        && r.workerAddress().equals(p.tx().fromAddress())) {
                    TxRules.checkSyntheticForm(p.tx(), r, params);
                    executor.verifyExpensive(p, r, new VerificationContext(params, height, r.nonce(), src));
                }
            } catch (TxRejected | RuntimeException e) {
                // reported by the sequential pass
            }
        });
        return Arrays.asList(out);
    }
}
