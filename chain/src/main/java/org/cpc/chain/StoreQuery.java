package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.market.Disputes;
import org.cpc.chain.market.JobDispute;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.mempool.Mempool;
import org.cpc.chain.query.AddressTx;
import org.cpc.chain.query.AddressTxPage;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.query.TaskPage;
import org.cpc.chain.query.TxPosition;
import org.cpc.chain.query.ResultReward;
import org.cpc.chain.query.DelegationView;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.query.StakingReads;
import org.cpc.chain.staking.ConsensusSets;
import org.cpc.chain.staking.StakingState;
import org.cpc.consensus.ValidatorSet;
import org.cpc.chain.query.TaskView;
import org.cpc.chain.query.ValidatorView;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.Supply;
import org.cpc.chain.staking.WorkBond;
import org.cpc.chain.staking.UnbondingEntry;
import org.cpc.chain.query.TxStatus;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStore;
import org.cpc.chain.store.ExplorerIndex;
import org.cpc.chain.store.StateView;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.TaskStatus;
import org.cpc.protocol.types.Transaction;

/**
 * {@link ChainQuery} over a node's store, its head and its mempool: where storage keys and encodings turn into
 * the records readers get. Thread-safe: the store and the mempool are, and the head is read once per answer.
 */
class StoreQuery implements ChainQuery {
    private final Genesis genesis;
    private final ChainStore store;
    private final ChainHead head;
    private final Mempool mempool;

    StoreQuery(Genesis genesis, ChainStore store, ChainHead head, Mempool mempool) {
        this.genesis = genesis;
        this.store = store;
        this.head = head;
        this.mempool = mempool;
    }

    @Override
    public NetworkParams params() {
        return genesis.params();
    }

    @Override
    public Block head() {
        return head.block();
    }

    @Override
    public Optional<Block> block(long height) {
        Block hd = head.block();
        if (height == hd.header().height()) return Optional.of(hd);
        if (height < 0 || height > hd.header().height()) return Optional.empty();
        return Optional.ofNullable(store.block(height));
    }

    @Override
    public Optional<Block> blockByHash(String hashHex) {
        Long h = store.heightOf(hashHex);
        return h == null ? Optional.empty() : block(h);
    }

    @Override
    public long earliestBlock() {
        return store.earliestBlock();
    }

    @Override
    public Optional<JsonNode> commitOf(long height) {
        if (height < 0 || height > head.height()) return Optional.empty();
        byte[] v = store.commitBytes(height);
        return v == null ? Optional.empty() : Optional.of(Json.parse(v));
    }

    @Override
    public Optional<byte[]> blockWithCommitJson(long height) {
        if (height < 0 || height > head.height()) return Optional.empty();
        byte[] block = store.blockBytes(height);
        if (block == null || block.length < 2 || block[block.length - 1] != '}') return Optional.empty();
        byte[] commit = store.commitBytes(height);
        if (commit == null) commit = NULL_JSON;
        // The stored block is Jackson's writing of Block.toJson(), an object: "commit" goes before its last brace.
        byte[] out = new byte[block.length + COMMIT_FIELD.length + commit.length];
        System.arraycopy(block, 0, out, 0, block.length - 1);
        System.arraycopy(COMMIT_FIELD, 0, out, block.length - 1, COMMIT_FIELD.length);
        System.arraycopy(commit, 0, out, block.length - 1 + COMMIT_FIELD.length, commit.length);
        out[out.length - 1] = '}';
        return Optional.of(out);
    }

    private static final byte[] COMMIT_FIELD = ",\"commit\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NULL_JSON = "null".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The payments its execution stored with the block, with the results they were for. */
    @Override
    public Optional<List<ResultReward>> blockResults(long height) {
        return block(height).map(b -> store.resultPayments(height).stream().map(p -> {
            Transaction tx = b.transactions().get(p.index());
            return new ResultReward(p.index(), tx.hashHex(), p.kind(), ComputeResult.fromJson(tx.payload()),
                    p.reward(), p.pocValidator());
        }).toList());
    }

    @Override
    public Optional<Transaction> pendingTransaction(byte[] hash) {
        Mempool.Entry e = mempool.get(hash);
        return e == null ? Optional.empty() : Optional.of(e.p().tx());
    }

    @Override
    public Optional<TxStatus> transaction(String txHashHex) {
        if (txHashHex == null || txHashHex.length() != 64 || !Hex.isHex(txHashHex)) return Optional.empty();
        byte[] hash = Hex.decode(txHashHex);
        Mempool.Entry e = mempool.get(hash);
        if (e != null) return Optional.of(new TxStatus(e.p().tx(), false, null, null, 0));
        long[] loc = store.txLocation(hash);
        if (loc == null) return Optional.empty();
        return block(loc[0]).map(b ->
                new TxStatus(b.transactions().get((int) loc[1]), true, loc[0], (int) loc[1], loc[2]));
    }

    @Override
    public Account account(String address) {
        return StateKeys.decodeAccount(store.state(StateKeys.ACCOUNT, StateKeys.account(address)));
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
    public Optional<TaskView> task(String taskId) {
        MarketTask t = MarketTask.decode(store.state(StateKeys.TASK, StateKeys.key(StateKeys.TASK, taskId)));
        if (t == null) return Optional.empty();
        byte[] payload = store.state(StateKeys.TASK_PAYLOAD, StateKeys.key(StateKeys.TASK_PAYLOAD, taskId));
        List<JobRecord> jobs = new ArrayList<>();
        Disputes disputes = new Disputes(new WorldState(store::state));
        List<JobDispute> proven = new ArrayList<>();
        for (int j = 0; j < t.jobsTotal() && jobs.size() < t.jobsDone(); j++) {
            JobRecord r = JobRecord.decode(store.state(StateKeys.JOB, StateKeys.job(taskId, j)));
            if (r == null) continue;
            jobs.add(r);
            JobDispute d = disputes.dispute(taskId, j);
            if (d != null) proven.add(d);
        }
        long nowS = Math.floorDiv(head.block().header().timestamp(), 1000);
        long until = disputes.disputeUntil(t, nowS, genesis.params());
        return Optional.of(new TaskView(t, (ObjectNode) Json.parse(payload), List.copyOf(jobs),
                disputes.lastSettled(taskId), jobs.isEmpty() || until == Long.MAX_VALUE ? null : until,
                List.copyOf(proven)));
    }

    @Override
    public AddressTxPage addressTransactions(String address, TxPosition before, int limit) {
        Block hd = head.block();
        // Entries above the head this answer read may be a block being committed right now: start at the head.
        TxPosition from = before == null || before.height() > hd.header().height()
                ? TxPosition.startOf(hd.header().height() + 1) : before;
        List<ExplorerIndex.AddressTxRef> refs =
                store.explorer().addressTxs(address, from.height(), from.index(), limit + 1);
        List<AddressTx> out = new ArrayList<>();
        Block b = null;
        for (ExplorerIndex.AddressTxRef r : refs.subList(0, Math.min(limit, refs.size()))) {
            if (b == null || b.header().height() != r.height()) b = block(r.height()).orElseThrow();
            out.add(new AddressTx(new TxPosition(r.height(), r.index()), Hex.encode(r.txHash()),
                    b.transactions().get(r.index()), b.header().timestamp(), r.gasUsed()));
        }
        TxPosition next = refs.size() > limit ? out.getLast().position() : null;
        return new AddressTxPage(List.copyOf(out), next);
    }

    @Override
    public TaskPage tasks(TaskStatus status, int offset, int limit) {
        List<MarketTask> out = new ArrayList<>();
        int[] skip = {offset};
        boolean[] more = {false};
        store.explorer().forEachTaskNewestFirst(head.height(), id -> {
            MarketTask t = MarketTask.decode(store.state(StateKeys.TASK, StateKeys.key(StateKeys.TASK, id)));
            if (t == null || (status != null && t.status() != status)) return true;
            if (skip[0] > 0) {
                skip[0]--;
                return true;
            }
            if (out.size() == limit) {
                more[0] = true;
                return false;
            }
            out.add(t);
            return true;
        });
        return new TaskPage(List.copyOf(out), more[0]);
    }

    @Override
    public int openTaskCount() {
        return store.deadlines().entries().size();
    }

    @Override
    public WorkerStats workerStats(String address) {
        return StateKeys.decodeWorker(store.state(StateKeys.WORKER, StateKeys.key(StateKeys.WORKER, address)));
    }

    @Override
    public int mempoolSize() {
        return mempool.size();
    }

    /** The consensus view of the active sets, read from committed state. */
    ConsensusSets consensusSets() {
        return new ConsensusSets(new StakingState(new WorldState(store::state), genesis.params().staking()));
    }

    /** The sets a block of {@code height} (the head + 1) is checked against, from committed state. */
    HeaderRules.Sets headerSets(long height) {
        ConsensusSets cs = consensusSets();
        return new HeaderRules.Sets(cs.withPriorities(height), height > 1 ? cs.at(height - 1) : null,
                cs.hashAt(height + 1), cs.operators(height));
    }

    @Override
    public ValidatorSet validatorSet(long height) {
        // From the state alone, not from the head: the state is committed before the head moves, and a query
        // between the two would otherwise mix two heights (seen as a 500 on /validator during block sync).
        return consensusSets().forHeight(height);
    }

    private StakingReads staking() {
        return new StakingReads(genesis.params(), store::state, genesis.treasuryAddress(), store.headHeight());
    }

    @Override
    public List<ValidatorView> stakingValidators() {
        return staking().validators();
    }

    @Override
    public Optional<ValidatorView> stakingValidator(String operator) {
        return staking().validator(operator);
    }

    @Override
    public List<DelegationView> delegations(String delegator) {
        return staking().delegations(delegator);
    }

    @Override
    public List<UnbondingEntry> unbonding(String delegator) {
        return staking().unbonding(delegator);
    }

    @Override
    public Optional<WorkBond> workBond(BondRole role, String address) {
        return Optional.ofNullable(WorkBond.decode(store.state(StateKeys.WORK_BOND,
                StateKeys.key(StateKeys.WORK_BOND, WorkBond.id(role, address)))));
    }

    @Override
    public long unbondLockedUntil(BondRole role, String address) {
        return new Disputes(new WorldState(store::state)).lockDeadline(role, address);
    }

    @Override
    public Optional<org.cpc.chain.audit.ResultAudit> resultAudit(String taskId) {
        return Optional.ofNullable(org.cpc.chain.audit.ResultAudit.decode(store.state(StateKeys.RESULT_AUDIT,
                StateKeys.key(StateKeys.RESULT_AUDIT, taskId))));
    }

    @Override
    public List<WorkBond> pocValidators() {
        BigInteger min = genesis.params().bonds().minPocBond();
        List<WorkBond> out = new java.util.ArrayList<>();
        store.forEachState(StateKeys.WORK_BOND, (k, v) -> {
            WorkBond b = WorkBond.decode(v);
            if (b.role() == BondRole.POC_VALIDATOR && b.amount().compareTo(min) >= 0) out.add(b);
        });
        out.sort(java.util.Comparator.comparing(WorkBond::amount).reversed().thenComparing(WorkBond::address));
        return out;
    }

    @Override
    public Supply supply() {
        // One snapshot for the head and all six scans: a block committing between two of them once made the buckets
        // exceed the total by one block reward.
        try (StateView v = store.stateView()) {
            return Supply.of(v.headHeight(), genesis.params(), v::forEachState);
        }
    }

    // ---- whole-state reads for supply checks, tests and tools (public on LocalChain); not part of the reader's API ----

    /** Whether a result for {@code taskId} has been accepted on chain. */
    public boolean resultAccepted(String taskId) {
        return store.state(StateKeys.RESULT, StateKeys.key(StateKeys.RESULT, taskId)) != null;
    }

    /** Supply check: the sum of every account balance. */
    public BigInteger totalBalances() {
        BigInteger[] sum = {BigInteger.ZERO};
        store.forEachState(StateKeys.ACCOUNT, (k, v) -> sum[0] = sum[0].add(StateKeys.decodeAccount(v).balance()));
        return sum[0];
    }

    /** Supply check: the wei held in escrow by every market task. */
    public BigInteger totalEscrow() {
        BigInteger[] sum = {BigInteger.ZERO};
        store.forEachState(StateKeys.TASK, (k, v) -> sum[0] = sum[0].add(MarketTask.decode(v).escrowLeft()));
        return sum[0];
    }

    /** Every committed account entry as (tree key hex → account), for comparing two stores. */
    public TreeMap<String, Account> dumpAccounts() {
        TreeMap<String, Account> m = new TreeMap<>();
        store.forEachState(StateKeys.ACCOUNT, (k, v) -> m.put(Hex.encode(k), StateKeys.decodeAccount(v)));
        return m;
    }

    /** The committed deadline index of open market tasks, in order. */
    public List<DeadlineIndex.Entry> deadlineIndexEntries() {
        return store.deadlines().entries();
    }
}
