package org.cpc.chain.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.exec.ResultPayment;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB storage of one chain. Column families: {@code meta} (head height, genesis hash, SMT root),
 * {@code blocks} (uint64_be height → block JSON), {@code block_hash} (hash → height), {@code txs}
 * (tx hash → uint64_be height ‖ uint32_be index ‖ uint64_be gas used), {@code state} (key space byte ‖ tree key →
 * value), {@code smt} (node path → internal node) and {@code task_deadlines} (uint64_be(deadline) ‖ UTF-8(task_id)
 * → empty: the open market tasks in deadline order, derived from key space 0x05 and rebuilt from it when missing)
 * and {@code commits} (uint64_be height → the block's commit certificate as JSON; absent for genesis and for blocks
 * committed without one) and {@code results} (uint64_be height → JSON array of the {@link ResultPayment}s its
 * execution made, in block order; absent for a block without SUBMIT_RESULTs). Two indexes for readers (a block
 * explorer), derived from the blocks alone: {@code address_txs} (uint8 length ‖ UTF-8(address) ‖ uint64_be height ‖
 * uint32_be index → tx hash ‖ uint64_be gas used: every transaction naming the address, see
 * {@link #addressesOf}) and {@code tasks_created} (uint64_be height ‖ uint32_be index → UTF-8(task_id) of each
 * CREATE_TASK, so tasks list newest first); a store made before them gets them rebuilt from its blocks once, when
 * opened. {@code validator_sets} (SHA-256 of the set's JCS → that JCS, the form {@code validators_hash} covers)
 * keeps every validator set a committed header named, so that the node can serve light blocks of any kept height
 * (the state holds only the sets of the next few heights). A block, its commit certificate, its result payments, its state changes, SMT nodes, indexes and the new
 * head pointer go in one synced {@link WriteBatch}: after a crash the store is at one committed block or the next,
 * never between.
 */
public final class ChainStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] HEAD = "head".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORMAT = "format_version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GENESIS = "genesis_hash".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SMT_ROOT = "smt_root".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DEADLINE_INDEX = "task_deadlines_v1".getBytes(StandardCharsets.UTF_8);
    /** Present once {@code address_txs} and {@code tasks_created} cover every committed block. */
    private static final byte[] EXPLORER_INDEX = "explorer_index_v1".getBytes(StandardCharsets.UTF_8);
    /** The lowest height above genesis whose block is kept; absent while nothing was pruned. */
    private static final byte[] EARLIEST_BLOCK = "earliest_block".getBytes(StandardCharsets.UTF_8);
    /** Blocks per write batch while rebuilding the explorer index of an older store. */
    private static final int REBUILD_BATCH_BLOCKS = 1000;

    private final Path dir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle meta, blocks, blockHash, txs, state, smt, deadlines, commits, results;
    private final ColumnFamilyHandle addressTxs, tasksCreated, validatorSets;
    private final WriteOptions syncWrite;

    private ChainStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new ChainStoreException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        blockCache = new LRUCache(256L << 20);
        cfOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(
                        new org.rocksdb.BloomFilter(10, false)))
                .setWriteBufferSize(64L << 20);
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2);
        List<ColumnFamilyDescriptor> descs = new ArrayList<>();
        descs.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (String n : List.of("blocks", "block_hash", "txs", "state", "smt", "task_deadlines", "commits",
                "results", "address_txs", "tasks_created", "validator_sets")) {
            descs.add(new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.UTF_8), cfOptions));
        }
        try {
            db = RocksDB.open(dbOptions, dir.toString(), descs, handles);
        } catch (RocksDBException e) {
            cfOptions.close();
            dbOptions.close();
            String m = String.valueOf(e.getMessage());
            if (m.contains("lock") || m.contains("LOCK")) {
                throw new ChainStoreException("data directory " + dir + " is in use by another process (its RocksDB"
                        + " LOCK is held); stop the other node or choose another data directory", e);
            }
            throw new ChainStoreException("cannot open the chain database in " + dir + ": " + m, e);
        }
        meta = handles.get(0);
        blocks = handles.get(1);
        blockHash = handles.get(2);
        txs = handles.get(3);
        state = handles.get(4);
        smt = handles.get(5);
        deadlines = handles.get(6);
        commits = handles.get(7);
        results = handles.get(8);
        addressTxs = handles.get(9);
        tasksCreated = handles.get(10);
        validatorSets = handles.get(11);
        syncWrite = new WriteOptions().setSync(true);
        checkFormat();
        if (get(meta, DEADLINE_INDEX) == null) rebuildDeadlineIndex();
        if (get(meta, EXPLORER_INDEX) == null) rebuildExplorerIndex();
    }

    /**
     * Refuses a store written in another format (an older version's, which has none recorded): its blocks and state
     * would be misread. The store is closed and left as it is.
     */
    private void checkFormat() {
        if (headHeight() < 0) return;
        byte[] v = get(meta, FORMAT);
        int found = v == null ? 1 : Integer.parseInt(new String(v, StandardCharsets.UTF_8));
        if (found == FORMAT_VERSION) return;
        close();
        throw new ChainStoreException("data directory " + dir + " holds a chain in store format " + found
                + (v == null ? " (written by a cpc before store formats were recorded)" : "")
                + "; this cpc reads format " + FORMAT_VERSION + " only (format 2: blocks carry validator-set hashes,"
                + " last_commit and evidence, and the state keeps proposer priorities). Nothing was changed. Keep the"
                + " old directory if you need its history, and start this node with a new, empty --data-dir: it"
                + " syncs the chain from its peers (a devnet: ./cpc devnet --reset starts a new chain).");
    }

    /** The store format this version writes and reads; recorded in {@code meta} when the genesis block is stored. */
    public static final int FORMAT_VERSION = 2;

    /**
     * Indexes every stored block for {@code address_txs} and {@code tasks_created}, then marks the store as
     * covered. Runs once, when a store made before these indexes is opened; writing an entry twice is harmless,
     * so a rebuild cut short by a crash simply runs again.
     */
    private void rebuildExplorerIndex() {
        long head = headHeight();
        try {
            for (long from = 0; from <= head; from += REBUILD_BATCH_BLOCKS) {
                try (WriteBatch b = new WriteBatch()) {
                    for (long h = from; h <= Math.min(head, from + REBUILD_BATCH_BLOCKS - 1); h++) {
                        Block block = block(h);
                        List<byte[]> hashes = block.transactions().stream().map(Transaction::hash).toList();
                        List<Long> gas = new ArrayList<>();
                        for (byte[] th : hashes) gas.add(txLocation(th)[2]);
                        putExplorerIndex(b, block, hashes, gas);
                    }
                    db.write(syncWrite, b);
                }
            }
            try (WriteBatch b = new WriteBatch()) {
                b.put(meta, EXPLORER_INDEX, new byte[] {1});
                db.write(syncWrite, b);
            }
        } catch (RocksDBException e) {
            throw new ChainStoreException("rebuilding the explorer index in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The addresses a transaction is listed under: its sender, its recipient, and for a SUBMIT_RESULT the
     * {@code worker_address} of its result (a PoC validator sends market job results on its workers' behalf).
     */
    public static Set<String> addressesOf(Transaction tx) {
        Set<String> out = new LinkedHashSet<>();
        out.add(tx.fromAddress());
        if (tx.toAddress() != null) out.add(tx.toAddress());
        if (tx.txType() == TxType.SUBMIT_RESULT && tx.payload().path("worker_address").isTextual()) {
            out.add(tx.payload().path("worker_address").asText());
        }
        return out;
    }

    private void putExplorerIndex(WriteBatch b, Block block, List<byte[]> txHashes, List<Long> gasPerTx)
            throws RocksDBException {
        long h = block.header().height();
        for (int i = 0; i < txHashes.size(); i++) {
            Transaction tx = block.transactions().get(i);
            byte[] value = new byte[40];
            System.arraycopy(txHashes.get(i), 0, value, 0, 32);
            putBe64(value, 32, gasPerTx.get(i));
            for (String a : addressesOf(tx)) b.put(addressTxs, addressTxKey(a, h, i), value);
            if (tx.txType() == TxType.CREATE_TASK) {
                b.put(tasksCreated, position(h, i),
                        tx.payload().path("task_id").asText().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** uint64_be height ‖ uint32_be index: a transaction's place in the chain, ordered as the chain is. */
    private static byte[] position(long height, int index) {
        byte[] k = new byte[12];
        putBe64(k, 0, height);
        putBe32(k, 8, index);
        return k;
    }

    private static byte[] addressPrefix(String address) {
        byte[] a = address.getBytes(StandardCharsets.UTF_8);
        if (a.length > 255) throw new IllegalArgumentException("address longer than 255 bytes");
        byte[] k = new byte[1 + a.length];
        k[0] = (byte) a.length;
        System.arraycopy(a, 0, k, 1, a.length);
        return k;
    }

    private static byte[] addressTxKey(String address, long height, int index) {
        byte[] p = addressPrefix(address);
        byte[] k = java.util.Arrays.copyOf(p, p.length + 12);
        System.arraycopy(position(height, index), 0, k, p.length, 12);
        return k;
    }

    /** A transaction naming an address: where it is, its hash and the gas it used. */
    public record AddressTxRef(long height, int index, byte[] txHash, long gasUsed) {}

    /**
     * Up to {@code limit} transactions naming {@code address}, newest first, strictly before position
     * ({@code beforeHeight}, {@code beforeIndex}).
     */
    public List<AddressTxRef> addressTxs(String address, long beforeHeight, int beforeIndex, int limit) {
        byte[] prefix = addressPrefix(address);
        List<AddressTxRef> out = new ArrayList<>();
        try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(addressTxs, ro)) {
            // seekForPrev lands on the last key <= the cursor; the cursor itself is excluded.
            byte[] cursor = addressTxKey(address, beforeHeight, beforeIndex);
            it.seekForPrev(cursor);
            if (it.isValid() && java.util.Arrays.equals(it.key(), cursor)) it.prev();
            for (; it.isValid() && out.size() < limit; it.prev()) {
                byte[] k = it.key();
                if (k.length != prefix.length + 12 || !java.util.Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                byte[] v = it.value();
                out.add(new AddressTxRef(be64(k, prefix.length), (int) be32(k, prefix.length + 8),
                        java.util.Arrays.copyOf(v, 32), be64(v, 32)));
            }
        }
        return out;
    }

    /**
     * Calls {@code visit} with the task_id of each CREATE_TASK at or below {@code maxHeight}, newest first, until it
     * returns false.
     */
    public void forEachTaskNewestFirst(long maxHeight, Predicate<String> visit) {
        try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(tasksCreated, ro)) {
            // index -1 is 0xffffffff as unsigned bytes: after every transaction of block maxHeight
            for (it.seekForPrev(position(maxHeight, -1)); it.isValid(); it.prev()) {
                if (!visit.test(new String(it.value(), StandardCharsets.UTF_8))) return;
            }
        }
    }

    /**
     * Rebuilds the deadline index from the committed tasks (key space 0x05): every open task, nothing else. Runs
     * when a store has no index yet (made before it existed); tools may call it to repair one.
     */
    public void rebuildDeadlineIndex() {
        try (WriteBatch b = new WriteBatch()) {
            try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(deadlines, ro)) {
                for (it.seekToFirst(); it.isValid(); it.next()) b.delete(deadlines, it.key());
            }
            forEachState(org.cpc.chain.state.StateKeys.TASK, (k, v) -> {
                org.cpc.chain.market.MarketTask t = org.cpc.chain.market.MarketTask.decode(v);
                if (t.status().open()) {
                    try {
                        b.put(deadlines, deadlineKey(t.deadline(), t.taskId()), new byte[0]);
                    } catch (RocksDBException e) {
                        throw new ChainStoreException("rebuilding the deadline index failed: " + e.getMessage(), e);
                    }
                }
            });
            b.put(meta, DEADLINE_INDEX, new byte[] {1});
            db.write(syncWrite, b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("rebuilding the deadline index in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    private static byte[] deadlineKey(long deadline, String taskId) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[8 + id.length];
        putBe64(k, 0, deadline);
        System.arraycopy(id, 0, k, 8, id.length);
        return k;
    }

    /** Up to {@code limit} open tasks with a deadline before {@code nowS}, in (deadline, task_id) order. */
    public List<DeadlineIndex.Entry> dueTasks(long nowS, int limit) {
        List<DeadlineIndex.Entry> out = new ArrayList<>();
        try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(deadlines, ro)) {
            for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
                byte[] k = it.key();
                long d = be64(k, 0);
                if (d >= nowS) break;
                out.add(new DeadlineIndex.Entry(d, new String(k, 8, k.length - 8, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** Every entry of the deadline index, in order (for tests and tools). */
    public List<DeadlineIndex.Entry> deadlineIndex() {
        return dueTasks(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    public static ChainStore open(Path dir) {
        return new ChainStore(dir);
    }

    public Path dir() {
        return dir;
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new ChainStoreException("read from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Height of the last committed block, or -1 for an empty store. */
    public long headHeight() {
        byte[] v = get(meta, HEAD);
        return v == null ? -1 : be64(v, 0);
    }

    public String genesisHash() {
        byte[] v = get(meta, GENESIS);
        return v == null ? null : Hex.encode(v);
    }

    public SparseMerkleTree.Node smtRoot() {
        byte[] v = get(meta, SMT_ROOT);
        return v == null ? SparseMerkleTree.Node.EMPTY_NODE : SparseMerkleTree.Node.decode(v);
    }

    public byte[] blockBytes(long height) {
        return get(blocks, be64(height));
    }

    public Block block(long height) {
        byte[] v = blockBytes(height);
        return v == null ? null : Block.fromJson(Json.parse(v));
    }

    /**
     * The lowest height above genesis whose block, commit certificate, result payments and index entries are kept:
     * 1 until {@link #pruneBlocks} deleted some. The genesis block is never pruned.
     */
    public long earliestBlock() {
        byte[] v = get(meta, EARLIEST_BLOCK);
        return v == null ? 1 : be64(v, 0);
    }

    /**
     * Deletes the blocks from {@link #earliestBlock} up to {@code below} (exclusive) with everything stored for them
     * — hash index, commit certificate, result payments, transaction index, address index — and moves
     * {@link #earliestBlock} to {@code below}, in one synced write: after a crash either all of it happened or none.
     * The state is not touched (it is the head's alone). Runs beside {@link #commit} without a lock: the two never
     * write the same keys.
     *
     * @return the blocks deleted
     */
    public long pruneBlocks(long below) {
        long from = earliestBlock();
        if (below <= from) return 0;
        if (below > headHeight()) throw new IllegalArgumentException("cannot prune the head block " + headHeight());
        try (WriteBatch b = new WriteBatch()) {
            for (long h = from; h < below; h++) {
                Block block = block(h);
                if (block == null) continue; // deleted by a prune whose pointer a crash lost: nothing left to do
                b.delete(blockHash, Hex.decode(block.hashHex()));
                for (int i = 0; i < block.transactions().size(); i++) {
                    Transaction tx = block.transactions().get(i);
                    b.delete(txs, tx.hash());
                    for (String a : addressesOf(tx)) b.delete(addressTxs, addressTxKey(a, h, i));
                }
            }
            b.deleteRange(blocks, be64(from), be64(below));
            b.deleteRange(commits, be64(from), be64(below));
            b.deleteRange(results, be64(from), be64(below));
            b.put(meta, EARLIEST_BLOCK, be64(below));
            db.write(syncWrite, b);
            return below - from;
        } catch (RocksDBException e) {
            throw new ChainStoreException("pruning blocks " + from + ".." + (below - 1) + " in " + dir + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The commit certificate stored with the block of {@code height} (JSON bytes), or null if there is none. */
    public byte[] commitBytes(long height) {
        return get(commits, be64(height));
    }

    /** What the SUBMIT_RESULTs of the block at {@code height} paid, in block order; empty for a block without any. */
    public List<ResultPayment> resultPayments(long height) {
        byte[] v = get(results, be64(height));
        if (v == null) return List.of();
        List<ResultPayment> out = new ArrayList<>();
        for (JsonNode p : Json.parse(v)) out.add(ResultPayment.fromJson(p));
        return List.copyOf(out);
    }

    private void putResultPayments(WriteBatch b, long height, List<ResultPayment> payments) throws RocksDBException {
        if (payments.isEmpty()) return;
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (ResultPayment p : payments) arr.add(p.toJson());
        b.put(results, be64(height), Jcs.canonicalize(arr));
    }

    public Long heightOf(String hashHex) {
        if (hashHex == null || hashHex.length() != 64 || !Hex.isHex(hashHex)) return null;
        byte[] v = get(blockHash, Hex.decode(hashHex));
        return v == null ? null : be64(v, 0);
    }

    /** Where a transaction was included: {height, index, gasUsed}, or null. */
    public long[] txLocation(byte[] txHash) {
        byte[] v = get(txs, txHash);
        if (v == null) return null;
        return new long[] {be64(v, 0), be32(v, 8), be64(v, 12)};
    }

    public byte[] state(byte type, byte[] treeKey) {
        return get(state, stateKey(type, treeKey));
    }

    public byte[] smtNode(byte[] path) {
        return get(smt, path);
    }

    /** Every committed entry of a key space, in tree-key order. */
    public void forEachState(byte type, BiConsumer<byte[], byte[]> action) {
        try (ReadOptions ro = new ReadOptions()) {
            scanState(ro, type, action);
        }
    }

    private void scanState(ReadOptions ro, byte type, BiConsumer<byte[], byte[]> action) {
        try (RocksIterator it = db.newIterator(state, ro)) {
            for (it.seek(new byte[] {type}); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k[0] != type) break;
                action.accept(java.util.Arrays.copyOfRange(k, 1, k.length), it.value());
            }
        }
    }

    private static byte[] stateKey(byte type, byte[] treeKey) {
        byte[] k = new byte[33];
        k[0] = type;
        System.arraycopy(treeKey, 0, k, 1, 32);
        return k;
    }

    /**
     * Commits a block atomically: the block and its hash index, the index of each transaction, what each of its
     * results was paid, the state writes, the SMT node writes and root, the commit certificate ({@code commitBytes},
     * JSON; null for none) and the head pointer, in one synced write.
     */
    public void commit(Block block, byte[] blockBytes, byte[] commitBytes, List<byte[]> txHashes, List<Long> gasPerTx,
                       List<ResultPayment> resultPayments, List<StateWrite> writes,
                       List<DeadlineIndex.Write> indexWrites, SparseMerkleTree.Update smtUpdate) {
        long h = block.header().height();
        try (WriteBatch b = new WriteBatch()) {
            b.put(blocks, be64(h), blockBytes);
            b.put(blockHash, Hex.decode(block.hashHex()), be64(h));
            if (commitBytes != null) b.put(commits, be64(h), commitBytes);
            putResultPayments(b, h, resultPayments);
            putExplorerIndex(b, block, txHashes, gasPerTx);
            for (int i = 0; i < txHashes.size(); i++) {
                byte[] loc = new byte[20];
                putBe64(loc, 0, h);
                loc[8] = (byte) (i >>> 24);
                loc[9] = (byte) (i >>> 16);
                loc[10] = (byte) (i >>> 8);
                loc[11] = (byte) i;
                putBe64(loc, 12, gasPerTx.get(i));
                b.put(txs, txHashes.get(i), loc);
            }
            for (StateWrite w : writes) {
                byte[] k = stateKey(w.type(), w.treeKey());
                if (w.value() == null) b.delete(state, k); else b.put(state, k, w.value());
            }
            for (DeadlineIndex.Write w : indexWrites) {
                byte[] k = deadlineKey(w.entry().deadline(), w.entry().taskId());
                if (w.present()) b.put(deadlines, k, new byte[0]); else b.delete(deadlines, k);
            }
            for (SparseMerkleTree.NodeWrite w : smtUpdate.nodeWrites()) {
                byte[] v = w.encoded();
                if (v == null) b.delete(smt, w.path().bytes()); else b.put(smt, w.path().bytes(), v);
            }
            b.put(meta, SMT_ROOT, smtUpdate.root().encode());
            if (h == 0) {
                b.put(meta, GENESIS, Hex.decode(block.hashHex()));
                b.put(meta, FORMAT, Integer.toString(FORMAT_VERSION).getBytes(StandardCharsets.UTF_8));
            }
            b.put(meta, HEAD, be64(h));
            db.write(syncWrite, b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("writing block " + h + " to " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** Stores a validator set under its hash (content-addressed, so writing it again or early is harmless). */
    public void putValidatorSet(String hashHex, byte[] jcs) {
        try {
            db.put(validatorSets, Hex.decode(hashHex), jcs);
        } catch (RocksDBException e) {
            throw new ChainStoreException("writing a validator set to " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The validator set (its JCS) whose {@code validators_hash} is {@code hashHex}, or null if none was kept. */
    public byte[] validatorSetBytes(String hashHex) {
        return hashHex.length() == 64 && Hex.isHex(hashHex) ? get(validatorSets, Hex.decode(hashHex)) : null;
    }

    /**
     * A consistent read-only view of the committed state as it is now: later commits do not change what it shows.
     * Cheap to take (a RocksDB snapshot); read it on another thread while blocks commit, then close it.
     */
    public StateView stateView() {
        return new StateView(db.getSnapshot());
    }

    /** See {@link #stateView()}. */
    public final class StateView implements AutoCloseable {
        private final org.rocksdb.Snapshot snapshot;

        private StateView(org.rocksdb.Snapshot snapshot) {
            this.snapshot = snapshot;
        }

        /** Every state entry in store order (key space byte, then tree key). */
        public void forEach(StateVisitor visit) {
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(state, ro)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] k = it.key();
                    visit.entry(k[0], java.util.Arrays.copyOfRange(k, 1, k.length), it.value());
                }
            }
        }

        /** Every entry of one key space, in tree-key order. */
        public void forEachState(byte type, BiConsumer<byte[], byte[]> action) {
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
                scanState(ro, type, action);
            }
        }

        /** The head height as of this view (written in the same batch as the state it shows). */
        public long headHeight() {
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
                byte[] v = db.get(meta, ro, HEAD);
                return v == null ? -1 : be64(v, 0);
            } catch (RocksDBException e) {
                throw new ChainStoreException("reading the head in " + dir + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            db.releaseSnapshot(snapshot);
            snapshot.close();
        }
    }

    /** One state entry. */
    @FunctionalInterface
    public interface StateVisitor {
        void entry(byte type, byte[] treeKey, byte[] value);
    }

    /**
     * Empties the state, the SMT and the deadline index, before a snapshot is restored into a store that holds only
     * the genesis block.
     */
    public void clearState() {
        if (headHeight() != 0) throw new IllegalStateException("state is restored only into a store at genesis");
        try (WriteBatch b = new WriteBatch()) {
            byte[] lo = new byte[0];
            byte[] hi = new byte[64];
            java.util.Arrays.fill(hi, (byte) 0xff);
            for (ColumnFamilyHandle cf : List.of(state, smt, deadlines)) {
                b.deleteRange(cf, lo, hi);
                b.delete(cf, hi);
            }
            b.delete(meta, SMT_ROOT);
            db.write(syncWrite, b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("clearing the state of " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Ends a restore: stores the blocks (consecutive, the last being the snapshot's, each with its commit
     * certificate) and makes the last one the head and the first one the earliest kept, in one synced write. The
     * restored state and SMT must already be in place ({@link #commitState}) and hash to the last block's
     * {@code state_root}. No transaction index or result payments are written for these blocks: they were not
     * executed here.
     */
    public void restoreHead(List<Block> restored, List<byte[]> commitBytes) {
        if (restored.isEmpty() || restored.size() != commitBytes.size()) {
            throw new IllegalArgumentException("a restore needs at least the snapshot block and one commit per block");
        }
        try (WriteBatch b = new WriteBatch()) {
            for (int i = 0; i < restored.size(); i++) {
                Block block = restored.get(i);
                long h = block.header().height();
                b.put(blocks, be64(h), block.jsonBytes());
                b.put(blockHash, Hex.decode(block.hashHex()), be64(h));
                b.put(commits, be64(h), commitBytes.get(i));
            }
            b.put(meta, EARLIEST_BLOCK, be64(restored.getFirst().header().height()));
            b.put(meta, HEAD, be64(restored.getLast().header().height()));
            db.write(syncWrite, b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("writing the restored head to " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Flushes the memtables and compacts every column family, so that deleted entries leave the disk now rather
     * than when RocksDB gets to them (for tools and benchmarks that measure the store's size).
     */
    public void compact() {
        try (org.rocksdb.FlushOptions fo = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(fo, handles);
            for (ColumnFamilyHandle h : handles) db.compactRange(h);
        } catch (RocksDBException e) {
            throw new ChainStoreException("compacting " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Writes state entries and SMT nodes without a block (bulk loading for tools and benchmarks; never used by
     * the chain itself, whose state only changes through {@link #commit}).
     */
    public void commitState(List<StateWrite> writes, SparseMerkleTree.Update smtUpdate) {
        try (WriteBatch b = new WriteBatch()) {
            for (StateWrite w : writes) {
                byte[] k = stateKey(w.type(), w.treeKey());
                if (w.value() == null) b.delete(state, k); else b.put(state, k, w.value());
            }
            for (SparseMerkleTree.NodeWrite w : smtUpdate.nodeWrites()) {
                byte[] v = w.encoded();
                if (v == null) b.delete(smt, w.path().bytes()); else b.put(smt, w.path().bytes(), v);
            }
            b.put(meta, SMT_ROOT, smtUpdate.root().encode());
            db.write(syncWrite, b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("writing state to " + dir + " failed: " + e.getMessage(), e);
        }
    }

    static byte[] be64(long v) {
        byte[] b = new byte[8];
        putBe64(b, 0, v);
        return b;
    }

    static void putBe64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putBe32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long be64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    static long be32(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) h.close();
        db.close();
        syncWrite.close();
        dbOptions.close();
        cfOptions.close();
        blockCache.close();
    }
}
