package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.ChainView;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.ResultVerifier;
import org.cpc.chain.exec.StateReader;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.exec.SyntheticResultVerifier;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.TxRules;
import org.cpc.chain.exec.VerificationContext;
import org.cpc.chain.exec.VerifiedCache;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.market.TaskView;
import org.cpc.chain.mempool.Mempool;
import org.cpc.chain.mempool.StrikeWindow;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStore;
import org.cpc.chain.store.ChainStoreException;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Roots;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.cpc.compute.SyntheticTask;

/**
 * The chain of one node: RocksDB storage, the mempool and the state machine behind the {@link Chain} facade.
 *
 * <p>Thread-safe. Reads (blocks, accounts, transactions) run concurrently; {@link #propose}, {@link #validate} and
 * {@link #commit} take one writer lock. {@link #submit} verifies signatures outside any chain-wide lock. The
 * clock (unix ms) is injected and only used for the "not too far in the future" block rule and mempool expiry.
 * A block this node proposed or validated is not executed again when it is committed.
 */
public final class LocalChain implements Chain {
    /**
     * @param clockMs unix milliseconds now
     * @param verifier the SUBMIT_RESULT proof check
     */
    public record Options(LongSupplier clockMs, ResultVerifier verifier, int mempoolPerAccount, int mempoolCapacity,
                          long mempoolTtlMs, int smtCacheNodes, int verifiedCacheSize) {
        public static Options defaults() {
            return new Options(System::currentTimeMillis, new SyntheticResultVerifier(), 64, 20_000,
                    10 * 60_000L, 1 << 21, 200_000);
        }

        public Options withClock(LongSupplier c) {
            return new Options(c, verifier, mempoolPerAccount, mempoolCapacity, mempoolTtlMs, smtCacheNodes,
                    verifiedCacheSize);
        }

        public Options withVerifier(ResultVerifier v) {
            return new Options(clockMs, v, mempoolPerAccount, mempoolCapacity, mempoolTtlMs, smtCacheNodes,
                    verifiedCacheSize);
        }

        public Options withMempool(int perAccount, int capacity, long ttlMs) {
            return new Options(clockMs, verifier, perAccount, capacity, ttlMs, smtCacheNodes, verifiedCacheSize);
        }
    }

    private record Executed(Block block, BlockExecutor.Outcome outcome, SparseMerkleTree.Update smt,
                            List<byte[]> txHashes) {}

    private final Genesis genesis;
    private final NetworkParams params;
    private final Options options;
    private final ChainStore store;
    private final SparseMerkleTree tree;
    private final BlockExecutor executor;
    private final Mempool mempool;
    private final VerifiedCache verified;
    /** Senders of recent invalid proofs: at most 8 a minute each get checked. */
    private final StrikeWindow proofGuard = new StrikeWindow(8, 60_000, 100_000);
    private final Map<String, ValidatorInfo> validatorsByAddress = new HashMap<>();
    private final List<ChainListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock writer = new ReentrantLock();
    private final Map<Long, String> recentHashes = new ConcurrentHashMap<>();
    private final Map<String, Executed> prepared = new HashMap<>();
    private final StateReader stateReader;
    private final ChainView chainView;
    private final DeadlineIndex deadlineIndex;
    private volatile Block head;
    private volatile SparseMerkleTree.Node smtRoot;

    private LocalChain(ChainStore store, Genesis genesis, Options options) {
        this.store = store;
        this.genesis = genesis;
        this.params = genesis.params();
        this.options = options;
        this.tree = new SparseMerkleTree(store::smtNode, options.smtCacheNodes());
        this.verified = new VerifiedCache(options.verifiedCacheSize());
        this.executor = new BlockExecutor(params, options.verifier(), verified, genesis.pocValidators(),
                genesis.treasuryAddress());
        this.mempool = new Mempool(options.mempoolPerAccount(), options.mempoolCapacity(), options.mempoolTtlMs());
        for (ValidatorInfo v : genesis.validators()) validatorsByAddress.put(v.address(), v);
        this.stateReader = store::state;
        this.chainView = this::blockHashAt;
        this.deadlineIndex = store::dueTasks;
    }

    /** Opens (or initialises from {@code genesis}) the chain in {@code dataDir}. */
    public static LocalChain open(Path dataDir, Genesis genesis, Options options) {
        GenesisFile.check(genesis);
        ChainStore store = ChainStore.open(dataDir);
        try {
            LocalChain c = new LocalChain(store, genesis, options);
            c.init();
            return c;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public static LocalChain open(Path dataDir, Genesis genesis) {
        return open(dataDir, genesis, Options.defaults());
    }

    /**
     * The state entries of a genesis: its alloc, its validators and the market roles (PoC validators, treasury), in
     * (key space, tree key) order.
     */
    public static List<StateWrite> genesisWrites(Genesis g) {
        List<StateWrite> w = new ArrayList<>();
        for (Map.Entry<String, BigInteger> e : g.alloc().entrySet()) {
            if (e.getValue().signum() == 0) continue;
            w.add(new StateWrite(StateKeys.ACCOUNT, StateKeys.account(e.getKey()),
                    StateKeys.encodeAccount(new Account(e.getValue(), 0))));
        }
        for (ValidatorInfo v : g.validators()) {
            w.add(new StateWrite(StateKeys.VALIDATOR, StateKeys.key(StateKeys.VALIDATOR, v.address()),
                    Jcs.canonicalize(GenesisFile.validatorJson(v))));
        }
        for (String a : g.pocValidators()) {
            w.add(new StateWrite(StateKeys.MARKET_ROLE, StateKeys.key(StateKeys.MARKET_ROLE, "poc_validator:" + a),
                    Jcs.canonicalize(Json.object().put("role", "poc_validator").put("address", a))));
        }
        w.add(new StateWrite(StateKeys.MARKET_ROLE, StateKeys.key(StateKeys.MARKET_ROLE, "treasury"),
                Jcs.canonicalize(Json.object().put("role", "treasury").put("address", g.treasuryAddress()))));
        w.sort(Comparator.comparing((StateWrite x) -> x.type()).thenComparing(StateWrite::treeKey,
                java.util.Arrays::compareUnsigned));
        return w;
    }

    static List<SparseMerkleTree.Change> changes(List<StateWrite> writes) {
        List<SparseMerkleTree.Change> c = new ArrayList<>(writes.size());
        for (StateWrite w : writes) {
            c.add(new SparseMerkleTree.Change(w.treeKey(),
                    w.value() == null ? null : org.cpc.protocol.crypto.Sha256.hash(w.value())));
        }
        return c;
    }

    /**
     * The genesis block: height 0, prev_hash 64 zeros, the genesis timestamp, proposer = the first validator,
     * round 0, tx_root of no transactions, state_root of the alloc and validators, compute_root "", gas_used 0,
     * gas_limit = block_gas_limit; it carries no signature.
     */
    public static Block genesisBlock(Genesis g, String stateRootHex) {
        NetworkParams p = g.params();
        BlockHeader h = new BlockHeader(0, BlockHeader.ZERO_HASH, g.timestampMs(), p.chainId(),
                g.validators().get(0).address(), 0, Roots.txRoot(List.of()), stateRootHex, "", 0,
                p.blockGasLimit(), null, null);
        return new Block(h, List.of(), null);
    }

    private void init() {
        List<StateWrite> gw = genesisWrites(genesis);
        SparseMerkleTree.Update gu = new SparseMerkleTree(path -> null, 16).update(SparseMerkleTree.Node.EMPTY_NODE,
                changes(gw));
        Block g = genesisBlock(genesis, Hex.encode(gu.root().hash()));
        long h = store.headHeight();
        if (h < 0) {
            store.commit(g, blockBytes(g), null, List.of(), List.of(), List.of(), gw, List.of(), gu);
        } else if (!g.hashHex().equals(store.genesisHash())) {
            throw new ChainStoreException("data directory " + store.dir() + " holds another chain (genesis "
                    + store.genesisHash() + "); this genesis is " + g.hashHex() + " for " + params.chainId()
                    + ". Use another data directory or the matching genesis file.");
        }
        if (!store.hasResultPayments()) LegacyResultPayments.fillIn(store, params);
        head = store.block(store.headHeight());
        smtRoot = store.smtRoot();
        if (!Hex.encode(smtRoot.hash()).equals(head.header().stateRoot())) {
            throw new ChainStoreException("data directory " + store.dir() + " is inconsistent: state root "
                    + Hex.encode(smtRoot.hash()) + " != head block's " + head.header().stateRoot());
        }
        recentHashes.put(head.header().height(), head.hashHex());
    }

    private static byte[] blockBytes(Block b) {
        return jsonBytes(b.toJson());
    }

    private static byte[] jsonBytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String blockHashAt(long height) {
        Block hd = head;
        if (height < 0 || height > hd.header().height()) return null;
        String h = recentHashes.get(height);
        if (h != null) return h;
        Block b = store.block(height);
        return b == null ? null : b.hashHex();
    }

    // ---- reads ----

    @Override
    public NetworkParams params() {
        return params;
    }

    @Override
    public Genesis genesis() {
        return genesis;
    }

    @Override
    public Block head() {
        return head;
    }

    @Override
    public Optional<Block> block(long height) {
        Block hd = head;
        if (height == hd.header().height()) return Optional.of(hd);
        if (height < 0 || height > hd.header().height()) return Optional.empty();
        return Optional.ofNullable(store.block(height));
    }

    @Override
    public Optional<JsonNode> commitOf(long height) {
        if (height < 0 || height > head.header().height()) return Optional.empty();
        byte[] v = store.commitBytes(height);
        return v == null ? Optional.empty() : Optional.of(Json.parse(v));
    }

    @Override
    public Optional<Block> blockByHash(String hashHex) {
        Long h = store.heightOf(hashHex);
        return h == null ? Optional.empty() : block(h);
    }

    @Override
    public Optional<TxStatus> transaction(String txHashHex) {
        if (txHashHex == null || txHashHex.length() != 64 || !Hex.isHex(txHashHex)) return Optional.empty();
        byte[] hash = Hex.decode(txHashHex);
        Mempool.Entry e = mempool.get(hash);
        if (e != null) return Optional.of(new TxStatus(e.p().tx(), false, null, null, 0));
        long[] loc = store.txLocation(hash);
        if (loc == null) return Optional.empty();
        Optional<Block> b = block(loc[0]);
        return b.map(blk -> new TxStatus(blk.transactions().get((int) loc[1]), true, loc[0], (int) loc[1], loc[2]));
    }

    @Override
    public Account account(String address) {
        return StateKeys.decodeAccount(store.state(StateKeys.ACCOUNT, StateKeys.account(address)));
    }

    @Override
    public WorkerStats workerStats(String address) {
        return StateKeys.decodeWorker(store.state(StateKeys.WORKER, StateKeys.key(StateKeys.WORKER, address)));
    }

    @Override
    public Optional<TaskView> task(String taskId) {
        MarketTask t = MarketTask.decode(store.state(StateKeys.TASK, StateKeys.key(StateKeys.TASK, taskId)));
        if (t == null) return Optional.empty();
        byte[] payload = store.state(StateKeys.TASK_PAYLOAD, StateKeys.key(StateKeys.TASK_PAYLOAD, taskId));
        List<JobRecord> jobs = new ArrayList<>();
        for (int j = 0; j < t.jobsTotal() && jobs.size() < t.jobsDone(); j++) {
            JobRecord r = JobRecord.decode(store.state(StateKeys.JOB, StateKeys.job(taskId, j)));
            if (r != null) jobs.add(r);
        }
        return Optional.of(new TaskView(t, (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(payload),
                List.copyOf(jobs)));
    }

    @Override
    public Optional<List<ResultReward>> blockResults(long height) {
        return block(height).map(b -> store.resultPayments(height).stream().map(p -> {
            Transaction tx = b.transactions().get(p.index());
            return new ResultReward(p.index(), tx.hashHex(), p.kind().wire(), ComputeResult.fromJson(tx.payload()),
                    p.reward(), p.pocValidator());
        }).toList());
    }

    /** Supply check: the wei held in escrow by every market task. */
    public BigInteger totalEscrow() {
        BigInteger[] sum = {BigInteger.ZERO};
        store.forEachState(StateKeys.TASK, (k, v) -> sum[0] = sum[0].add(MarketTask.decode(v).escrowLeft()));
        return sum[0];
    }

    /** The committed deadline index of open market tasks, in order (for tests and tools). */
    public List<DeadlineIndex.Entry> deadlineIndexEntries() {
        return store.deadlineIndex();
    }

    /** Whether a result for {@code taskId} has been accepted on chain. */
    public boolean resultAccepted(String taskId) {
        return store.state(StateKeys.RESULT, StateKeys.key(StateKeys.RESULT, taskId)) != null;
    }

    /** A membership (or non-membership) proof of an account against the head's state_root. */
    public SparseMerkleTree.Proof accountProof(String address) {
        writer.lock();
        try {
            return tree.prove(smtRoot, StateKeys.account(address));
        } finally {
            writer.unlock();
        }
    }

    @Override
    public long nextNonce(String address) {
        long n = account(address).nonce();
        return n + mempool.runFrom(address, n).size();
    }

    @Override
    public List<ValidatorInfo> validators() {
        return genesis.validators();
    }

    @Override
    public int mempoolSize() {
        return mempool.size();
    }

    /** Supply check: the sum of every account balance. */
    public BigInteger totalBalances() {
        BigInteger[] sum = {BigInteger.ZERO};
        store.forEachState(StateKeys.ACCOUNT, (k, v) -> sum[0] = sum[0].add(StateKeys.decodeAccount(v).balance()));
        return sum[0];
    }

    // ---- mempool ----

    @Override
    public Admission submit(Transaction tx) {
        PreparedTx p;
        try {
            p = PreparedTx.of(tx);
        } catch (RuntimeException e) {
            return new Admission.Rejected(null, "malformed transaction: " + e.getMessage());
        }
        long[] loc = store.txLocation(p.hash());
        if (loc != null) return new Admission.Rejected(p.hashHex(), "transaction is already included in block " + loc[0]);
        try {
            TxRules.Checked c = TxRules.checkStateless(p, params);
            Account acct = account(tx.fromAddress());
            WorldState ws = new WorldState(stateReader);
            String slot = executor.slot(c, tx, ws);
            String why = mempool.precheck(p, acct, slot);
            if (why != null) return new Admission.Rejected(p.hashHex(), why);
            boolean result = tx.txType() == TxType.SUBMIT_RESULT;
            if (result) {
                long wait = proofGuard.blockedForMs(tx.fromAddress(), options.clockMs().getAsLong());
                if (wait > 0) {
                    return new Admission.Rejected(p.hashHex(), "sender " + tx.fromAddress() + " sent "
                            + proofGuard.maxStrikes() + " invalid proofs in the last " + proofGuard.windowMs() / 1000
                            + " s; this node checks no more of its proofs for " + (wait + 999) / 1000 + " s");
                }
            }
            Block hd = head;
            // The rules of the next block, whose timestamp is at least the head's + 1 ms.
            long nowMs = hd.header().timestamp() + 1;
            try {
                executor.plan(p, c, ws, chainView, hd.header().height() + 1, Math.floorDiv(nowMs, 1000));
            } catch (TxRejected.InvalidProof e) {
                proofGuard.strike(tx.fromAddress(), options.clockMs().getAsLong());
                throw e;
            }
            why = mempool.add(p, account(tx.fromAddress()), slot, options.clockMs().getAsLong());
            if (why != null) return new Admission.Rejected(p.hashHex(), why);
        } catch (TxRejected e) {
            return new Admission.Rejected(p.hashHex(), e.reason());
        }
        for (ChainListener l : listeners) {
            try {
                l.onTransactionAccepted(tx);
            } catch (RuntimeException e) {
                // a listener's failure is its own; the transaction is in the mempool
            }
        }
        return new Admission.Accepted(p.hashHex());
    }

    // ---- blocks ----

    private ValidatorInfo requireValidator(String address) {
        ValidatorInfo v = validatorsByAddress.get(address);
        if (v == null) throw new IllegalArgumentException(address + " is not a validator of " + params.chainId());
        return v;
    }

    private static final class Cursor {
        final List<Mempool.Entry> run;
        int i;

        Cursor(List<Mempool.Entry> run) {
            this.run = run;
        }

        Mempool.Entry cur() {
            return run.get(i);
        }
    }

    @Override
    public Block propose(String proposerAddress, long round, long timestampMs) {
        ValidatorInfo proposer = requireValidator(proposerAddress);
        writer.lock();
        try {
            mempool.expire(options.clockMs().getAsLong());
            Block parent = head;
            long height = parent.header().height() + 1;
            BlockExecutor.Session s = executor.begin(stateReader, chainView, deadlineIndex, height, timestampMs,
                    proposer.rewardAddress());
            PriorityQueue<Cursor> pq = new PriorityQueue<>(Comparator
                    .comparingLong((Cursor c) -> -c.cur().gasPrice())
                    .thenComparingLong(c -> c.cur().seq()));
            for (String sender : mempool.senders()) {
                List<Mempool.Entry> run = mempool.runFrom(sender, account(sender).nonce());
                if (!run.isEmpty()) pq.add(new Cursor(run));
            }
            List<PreparedTx> chosen = new ArrayList<>();
            long gasLimit = params.blockGasLimit();
            while (!pq.isEmpty() && chosen.size() < params.maxBlockTxs()) {
                Cursor c = pq.poll();
                PreparedTx p = c.cur().p();
                try {
                    if (s.tryApply(p, gasLimit - s.gasUsed()) < 0) continue; // this sender waits for the next block
                } catch (TxRejected | RuntimeException e) {
                    mempool.remove(p.hash()); // no longer applies; its sender's later ones wait
                    continue;
                }
                chosen.add(p);
                if (++c.i < c.run.size()) pq.add(c);
            }
            BlockExecutor.Outcome o = s.finish();
            SparseMerkleTree.Update u = tree.update(smtRoot, changes(o.writes()));
            List<Transaction> txs = new ArrayList<>(chosen.size());
            List<byte[]> hashes = new ArrayList<>(chosen.size());
            for (PreparedTx p : chosen) {
                txs.add(p.tx());
                hashes.add(p.hash());
            }
            BlockHeader h = new BlockHeader(height, parent.hashHex(), timestampMs, params.chainId(), proposerAddress,
                    round, HeaderRules.txRoot(hashes),
                    Hex.encode(u.root().hash()), Roots.computeRoot(txs), o.gasUsed(), gasLimit, null, null);
            Block b = new Block(h, txs, null);
            remember(new Executed(b, o, u, hashes));
            return b;
        } finally {
            writer.unlock();
        }
    }

    private void remember(Executed e) {
        if (prepared.size() > 8) prepared.clear();
        prepared.put(e.block().hashHex(), e);
    }

    /**
     * The one header rule that needs a clock, checked here at the edge (the rest are {@link HeaderRules}): a block
     * may be at most max_future_block_ms ahead of this node's clock.
     */
    private void checkNotFromTheFuture(BlockHeader h) throws InvalidBlockException {
        long now = options.clockMs().getAsLong();
        if (h.timestamp() > now + params.maxFutureBlockMs()) {
            throw new InvalidBlockException("timestamp " + h.timestamp() + " is more than max_future_block_ms "
                    + params.maxFutureBlockMs() + " ahead of this node's clock " + now);
        }
    }

    private Executed execute(Block b, ValidatorInfo proposer) throws InvalidBlockException {
        BlockHeader h = b.header();
        BlockExecutor.Session s = executor.begin(stateReader, chainView, deadlineIndex, h.height(), h.timestamp(),
                proposer.rewardAddress());
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
        SparseMerkleTree.Update u = tree.update(smtRoot, changes(o.writes()));
        HeaderRules.checkStateRoot(h, Hex.encode(u.root().hash()));
        return new Executed(b, o, u, hashes);
    }

    /**
     * Hashes the block's transactions and runs the expensive checks — TRANSFER signatures, SUBMIT_RESULT signatures
     * and proofs — on all cores before the sequential execution, which then finds them in the verified cache.
     * Only a speed-up: a failure here is left for the sequential pass to report in order, and a proof's verdict
     * depends only on the transaction and its source block, which is already committed.
     */
    private List<PreparedTx> preverify(List<Transaction> txs, long height) {
        PreparedTx[] out = new PreparedTx[txs.size()];
        IntStream.range(0, out.length).parallel().forEach(i -> {
            try {
                PreparedTx p = PreparedTx.of(txs.get(i));
                out[i] = p;
                if (verified.contains(p)) return;
                if (p.tx().txType() != TxType.SUBMIT_RESULT) {
                    TxRules.checkSignature(p);
                    verified.add(p);
                    return;
                }
                ComputeResult r = TxRules.checkStateless(p, params).result();
                if (store.state(StateKeys.TASK, StateKeys.key(StateKeys.TASK, r.taskId())) != null) {
                    executor.verifyMarket(p, r); // a market result (tasks are never deleted)
                    return;
                }
                String src = blockHashAt(r.nonce());
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

    private Executed check(Block b) throws InvalidBlockException {
        checkNotFromTheFuture(b.header());
        ValidatorInfo proposer = HeaderRules.check(b, head, params, genesis.validators());
        Executed e = prepared.get(b.hashHex());
        if (e != null && sameSignatures(e.block(), b)) return e;
        e = execute(b, proposer);
        remember(e);
        return e;
    }

    private static boolean sameSignatures(Block a, Block b) {
        List<Transaction> x = a.transactions(), y = b.transactions();
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) {
            if (!java.util.Objects.equals(x.get(i).signature(), y.get(i).signature())) return false;
        }
        return true;
    }

    @Override
    public void validate(Block block) throws InvalidBlockException {
        writer.lock();
        try {
            check(block);
        } finally {
            writer.unlock();
        }
    }

    @Override
    public void commit(Block block, JsonNode certificate) throws InvalidBlockException {
        if (certificate != null && !certificate.isObject()) {
            throw new IllegalArgumentException("a commit certificate is a JSON object");
        }
        byte[] commitBytes = certificate == null ? null : jsonBytes(certificate);
        writer.lock();
        try {
            Executed e = check(block);
            try {
                store.commit(block, blockBytes(block), commitBytes, e.txHashes(), e.outcome().gasPerTx(),
                        e.outcome().resultPayments(), e.outcome().writes(), e.outcome().indexWrites(), e.smt());
            } catch (RuntimeException ex) {
                tree.clearCache();
                throw ex;
            }
            tree.applied(e.smt());
            smtRoot = e.smt().root();
            head = block;
            prepared.clear();
            long height = block.header().height();
            recentHashes.put(height, block.hashHex());
            recentHashes.remove(height - 4 * params.syntheticWindow() - 16);
            Set<String> senders = new LinkedHashSet<>();
            for (int i = 0; i < e.txHashes().size(); i++) {
                mempool.remove(e.txHashes().get(i));
                senders.add(block.transactions().get(i).fromAddress());
            }
            mempool.pruneStale(senders, this::account);
        } finally {
            writer.unlock();
        }
        for (ChainListener l : listeners) {
            try {
                l.onBlockCommitted(block);
            } catch (RuntimeException e) {
                // the block is durable whatever a listener does
            }
        }
    }

    @Override
    public void subscribe(ChainListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        writer.lock();
        try {
            store.close();
        } finally {
            writer.unlock();
        }
    }

    /** For tests and tools: the committed state root object. */
    public SparseMerkleTree.Node stateRootNode() {
        return smtRoot;
    }

    /** Every committed account entry as (tree key hex → account), for comparing two stores. */
    public TreeMap<String, Account> dumpAccounts() {
        TreeMap<String, Account> m = new TreeMap<>();
        store.forEachState(StateKeys.ACCOUNT, (k, v) -> m.put(Hex.encode(k), StateKeys.decodeAccount(v)));
        return m;
    }
}
