package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.chain.exec.ResultVerifier;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.exec.SyntheticResultVerifier;
import org.cpc.chain.exec.VerifiedCache;
import org.cpc.chain.mempool.Mempool;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.chain.snapshot.SnapshotStore;
import org.cpc.chain.snapshot.Snapshotter;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStore;
import org.cpc.chain.store.ChainStoreException;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * The chain of one node behind the {@link Chain} facade: it opens the store, wires the parts, and runs each verb
 * in order. The parts, one job each: {@link TxAdmission} (what enters the mempool), {@link BlockBuilder} (the next
 * block from the mempool), {@link BlockValidator} (whether a block may follow the head), the commit below (one
 * atomic store write, then the head moves on), {@link StoreQuery} (every read: this class extends it), {@link ChainHead} (where the chain
 * ends).
 *
 * <p>Thread-safe. Reads run concurrently; {@link #propose}, {@link #validate} and {@link #commit} take one writer
 * lock. {@link #submit} verifies signatures outside any chain-wide lock. The clock (unix ms) is injected and only
 * used for the "not too far in the future" block rule, the proof-flood guard and mempool expiry.
 */
public final class LocalChain extends StoreQuery implements Chain {
    /**
     * @param clockMs unix milliseconds now
     * @param verifier the SUBMIT_RESULT proof check
     */
    public record Options(LongSupplier clockMs, ResultVerifier verifier, int mempoolPerAccount, int mempoolCapacity,
                          long mempoolTtlMs, int smtCacheNodes, int verifiedCacheSize, Pruning pruning,
                          SnapshotPolicy snapshots) {
        public static Options defaults() {
            return new Options(System::currentTimeMillis, new SyntheticResultVerifier(), 64, 20_000,
                    10 * 60_000L, 1 << 21, 200_000, Pruning.ARCHIVE, null);
        }

        public Options withClock(LongSupplier c) {
            return new Options(c, verifier, mempoolPerAccount, mempoolCapacity, mempoolTtlMs, smtCacheNodes,
                    verifiedCacheSize, pruning, snapshots);
        }

        public Options withVerifier(ResultVerifier v) {
            return new Options(clockMs, v, mempoolPerAccount, mempoolCapacity, mempoolTtlMs, smtCacheNodes,
                    verifiedCacheSize, pruning, snapshots);
        }

        public Options withMempool(int perAccount, int capacity, long ttlMs) {
            return new Options(clockMs, verifier, perAccount, capacity, ttlMs, smtCacheNodes, verifiedCacheSize,
                    pruning, snapshots);
        }

        public Options withPruning(Pruning p) {
            return new Options(clockMs, verifier, mempoolPerAccount, mempoolCapacity, mempoolTtlMs, smtCacheNodes,
                    verifiedCacheSize, p, snapshots);
        }

        /** Takes state snapshots by {@code s} (null: none). */
        public Options withSnapshots(SnapshotPolicy s) {
            return new Options(clockMs, verifier, mempoolPerAccount, mempoolCapacity, mempoolTtlMs, smtCacheNodes,
                    verifiedCacheSize, pruning, s);
        }
    }

    private final Genesis genesis;
    private final LongSupplier clockMs;
    private final ChainStore store;
    private final SparseMerkleTree tree;
    private final Mempool mempool;
    private final ChainHead head;
    private final TxAdmission admission;
    private final BlockBuilder builder;
    private final BlockValidator validator;
    private final List<ChainListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock writer = new ReentrantLock();
    /** Null on an archive node. */
    private final BlockPruner pruner;
    /** Null on a node that takes no snapshots. */
    private final SnapshotPolicy snapshotPolicy;
    private final Snapshotter snapshotter;
    private final int smtCacheNodes;
    private final ValidatorSetArchive validatorSets;

    private LocalChain(ChainStore store, Genesis genesis, Options options, ChainHead head) {
        Mempool mempool = new Mempool(options.mempoolPerAccount(), options.mempoolCapacity(), options.mempoolTtlMs());
        super(genesis, store, head, mempool);
        NetworkParams params = genesis.params();
        this.store = store;
        this.genesis = genesis;
        this.clockMs = options.clockMs();
        this.head = head;
        this.tree = new SparseMerkleTree(store::smtNode, options.smtCacheNodes());
        this.mempool = mempool;
        VerifiedCache verified = new VerifiedCache(options.verifiedCacheSize());
        BlockExecutor executor = new BlockExecutor(params, options.verifier(), verified, genesis.treasuryAddress());
        this.admission = new TxAdmission(params, executor, store, head, mempool, this::account, clockMs);
        this.builder = new BlockBuilder(params, executor, store, head, tree, mempool, this::account);
        this.validator = new BlockValidator(params, this::headerSets, executor, verified, store, head, tree, clockMs,
                mempool::preparedOf);
        options.pruning().check(params);
        this.pruner = options.pruning().archive() ? null : new BlockPruner(store, options.pruning(), head.height());
        this.snapshotPolicy = options.snapshots();
        this.snapshotter = snapshotPolicy != null && snapshotPolicy.enabled() ? new Snapshotter(snapshotPolicy) : null;
        this.smtCacheNodes = options.smtCacheNodes();
        this.validatorSets = new ValidatorSetArchive(store);
    }

    /** Opens (or initialises from {@code genesis}) the chain in {@code dataDir}. */
    public static LocalChain open(Path dataDir, Genesis genesis, Options options) {
        GenesisFile.check(genesis);
        ChainStore store = ChainStore.open(dataDir);
        try {
            return new LocalChain(store, genesis, options, openHead(store, genesis));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public static LocalChain open(Path dataDir, Genesis genesis) {
        return open(dataDir, genesis, Options.defaults());
    }

    /**
     * Commits the genesis block to an empty store, or checks that the store holds this genesis's chain and is
     * consistent; brings a store made by an older version up to date. Returns its head.
     */
    private static ChainHead openHead(ChainStore store, Genesis genesis) {
        NetworkParams params = genesis.params();
        List<StateWrite> gw = GenesisState.writes(genesis);
        SparseMerkleTree.Update gu = GenesisState.tree(gw);
        Block g = GenesisState.block(genesis, gu);
        if (store.headHeight() < 0) {
            store.commit(g, g.jsonBytes(), null, List.of(), List.of(), List.of(), gw, List.of(), gu);
        } else if (!g.hashHex().equals(store.genesisHash())) {
            throw new ChainStoreException("data directory " + store.dir() + " holds another chain (genesis "
                    + store.genesisHash() + "); this genesis is " + g.hashHex() + " for " + params.chainId()
                    + ". Use another data directory or the matching genesis file.");
        }
        Block head = store.block(store.headHeight());
        if (store.headHeight() == 0 && !Hex.encode(store.smtRoot().hash()).equals(head.header().stateRoot())) {
            // A snapshot restore was cut short (it empties the genesis state first): back to genesis.
            ChainRestore.resetToGenesis(store, gw, gu);
        }
        SparseMerkleTree.Node root = store.smtRoot();
        if (!Hex.encode(root.hash()).equals(head.header().stateRoot())) {
            throw new ChainStoreException("data directory " + store.dir() + " is inconsistent: state root "
                    + Hex.encode(root.hash()) + " != head block's " + head.header().stateRoot());
        }
        return new ChainHead(store, params.syntheticWindow(), head, root);
    }

    private static byte[] jsonBytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- writes ----

    @Override
    public Admission submit(Transaction tx) {
        return accepted(tx, admission.submit(tx));
    }

    @Override
    public List<Admission> submitAll(List<Transaction> txs) {
        List<Admission> answers = admission.submitAll(txs);
        for (int i = 0; i < txs.size(); i++) accepted(txs.get(i), answers.get(i));
        return answers;
    }

    @Override
    public List<Admission> submitAllPrepared(List<org.cpc.chain.exec.PreparedTx> txs) {
        List<Admission> answers = admission.submitAllPrepared(txs);
        for (int i = 0; i < txs.size(); i++) accepted(txs.get(i).tx(), answers.get(i));
        return answers;
    }

    /** Tells the listeners of an accepted transaction; returns the answer. */
    private Admission accepted(Transaction tx, Admission a) {
        if (a instanceof Admission.Accepted ok) {
            for (ChainListener l : listeners) {
                try {
                    l.onTransactionAccepted(tx, ok.txHash());
                } catch (RuntimeException e) {
                    // a listener's failure is its own; the transaction is in the mempool
                }
            }
        }
        return a;
    }

    @Override
    public Block propose(String proposerAddress, long round, long timestampMs, JsonNode lastCommit,
                         List<JsonNode> evidence) {
        writer.lock();
        try {
            long height = head.block().header().height() + 1;
            JsonNode commit = lastCommit != null || height == 1 ? lastCommit
                    : commitOf(height - 1).orElseThrow(() -> new IllegalStateException(
                            "no certificate of block " + (height - 1) + " to carry as last_commit"));
            HeaderRules.Sets sets = headerSets(height);
            mempool.expire(clockMs.getAsLong());
            ExecutedBlock e = builder.build(sets, proposerAddress, sets.operatorOf(proposerAddress), round,
                    timestampMs, commit, evidence);
            validator.remember(e);
            return e.block();
        } finally {
            writer.unlock();
        }
    }

    @Override
    public void validate(Block block) throws InvalidBlockException {
        writer.lock();
        try {
            validator.check(block);
        } finally {
            writer.unlock();
        }
    }

    /**
     * Validates the block, writes it with everything its execution produced in one atomic store write, then moves
     * the head on and drops its transactions, and what they made stale, from the mempool.
     */
    @Override
    public void commit(Block block, JsonNode certificate) throws InvalidBlockException {
        if (certificate != null && !certificate.isObject()) {
            throw new IllegalArgumentException("a commit certificate is a JSON object");
        }
        byte[] commitBytes = certificate == null ? null : jsonBytes(certificate);
        writer.lock();
        try {
            ExecutedBlock e = validator.check(block);
            BlockExecutor.Outcome o = e.outcome();
            validatorSets.keep(block, this::validatorSet);
            try {
                store.commit(block, block.jsonBytes(), commitBytes, e.txHashes(), o.gasPerTx(),
                        o.resultPayments(), o.writes(), o.indexWrites(), e.smt());
            } catch (RuntimeException ex) {
                tree.clearCache();
                throw ex;
            }
            tree.applied(e.smt());
            head.advance(block, e.smt().root());
            validator.forget();
            // The committed nonces are read first, so that the pool's lock is held only for the removals.
            Map<String, Long> nextNonce = new LinkedHashMap<>();
            for (Transaction tx : block.transactions()) {
                nextNonce.computeIfAbsent(tx.fromAddress(), a -> account(a).nonce());
            }
            mempool.removeCommitted(e.txHashes(), nextNonce);
            // The view is taken under the lock, so it is exactly this block's state; it is read off the lock.
            if (snapshotter != null && snapshotPolicy.at(block.header().height())) {
                snapshotter.take(block, store.stateView());
            }
        } finally {
            writer.unlock();
        }
        if (pruner != null) pruner.headAt(block.header().height());
        for (ChainListener l : listeners) {
            try {
                l.onBlockCommitted(block);
            } catch (RuntimeException e) {
                // the block is durable whatever a listener does
            }
        }
    }

    @Override
    public Optional<ValidatorSet> validatorSetByHash(String hashHex) {
        return validatorSets.byHash(hashHex);
    }

    /** The snapshots this node keeps (empty when it takes none). */
    @Override
    public Optional<SnapshotStore> snapshots() {
        return snapshotter == null ? Optional.empty() : Optional.of(snapshotter.store());
    }

    /** Waits until no snapshot is being written (tests and tools). */
    public void awaitSnapshots() throws InterruptedException {
        if (snapshotter != null) snapshotter.awaitIdle();
    }

    /** Results name blocks up to {@code synthetic_window} back: those blocks come with the snapshot's. */
    @Override
    public ChainRestore beginRestore(SnapshotManifest manifest, List<Block> blocks, List<JsonNode> commits) {
        writer.lock();
        try {
            if (head.height() != 0) {
                throw new IllegalStateException("a snapshot is restored only into a new chain; this one is at height "
                        + head.height());
            }
            return new ChainRestore(this, store, manifest, blocks, commits, smtCacheNodes);
        } finally {
            writer.unlock();
        }
    }

    /** The last step of a restore: under the writer lock, the restored head becomes the chain's. */
    void restored(Block snapshotBlock, SparseMerkleTree.Node root) {
        writer.lock();
        try {
            tree.clearCache();
            validator.forget();
            head.advance(snapshotBlock, root);
        } finally {
            writer.unlock();
        }
        if (pruner != null) pruner.headAt(snapshotBlock.header().height());
    }

    /** Undoes a restore that failed: the genesis state comes back. */
    void restoreFailed() {
        writer.lock();
        try {
            List<StateWrite> gw = GenesisState.writes(genesis);
            ChainRestore.resetToGenesis(store, gw, GenesisState.tree(gw));
            tree.clearCache();
        } finally {
            writer.unlock();
        }
    }

    @Override
    public void subscribe(ChainListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        if (pruner != null) pruner.close();
        if (snapshotter != null) snapshotter.close();
        writer.lock();
        try {
            store.close();
        } finally {
            writer.unlock();
        }
    }

    // ---- reads: StoreQuery's, inherited; the genesis and the state proof are the chain's own ----

    @Override
    public Genesis genesis() {
        return genesis;
    }

    /** A membership (or non-membership) proof of an account against the head's state_root. */
    public SparseMerkleTree.Proof accountProof(String address) {
        writer.lock();
        try {
            return tree.prove(head.stateRoot(), StateKeys.account(address));
        } finally {
            writer.unlock();
        }
    }
}
