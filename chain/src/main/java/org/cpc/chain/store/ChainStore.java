package org.cpc.chain.store;

import static org.cpc.chain.store.BigEndian.be32;
import static org.cpc.chain.store.BigEndian.be64;
import static org.cpc.chain.store.BigEndian.putBe32;
import static org.cpc.chain.store.BigEndian.putBe64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.exec.ResultPayment;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB storage of one chain: it opens the database, owns every column family and writes each block in one batch.
 * Column families: {@code meta} (head height, genesis hash, SMT root, format version, earliest kept block, the
 * indexes' markers), {@code blocks} (uint64_be height → block JSON), {@code block_hash} (hash → height), {@code txs}
 * (tx hash → uint64_be height ‖ uint32_be index ‖ uint64_be gas used), {@code state} (key space byte ‖ tree key →
 * value), {@code smt} (node path → internal node), {@code commits} (uint64_be height → the block's commit
 * certificate as JSON; absent for genesis and for blocks committed without one), {@code results} (uint64_be height →
 * JSON array of the {@link ResultPayment}s its execution made, in block order; absent for a block without
 * SUBMIT_RESULTs) and {@code validator_sets} (SHA-256 of the set's JCS → that JCS, the form {@code validators_hash}
 * covers), which keeps every validator set a committed header named, so that the node can serve light blocks of any
 * kept height (the state holds only the sets of the next few heights). Three more column families are indexes with
 * their own classes: {@code task_deadlines} ({@link StoredDeadlineIndex}, derived from the state) and
 * {@code address_txs} and {@code tasks_created} ({@link ExplorerIndex}, derived from the blocks). A block, its commit
 * certificate, its result payments, its state changes, SMT nodes, index entries and the new head pointer go in one
 * synced {@link WriteBatch}: after a crash the store is at one committed block or the next, never between.
 */
public final class ChainStore implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    static final byte[] HEAD = "head".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FORMAT = "format_version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GENESIS = "genesis_hash".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SMT_ROOT = "smt_root".getBytes(StandardCharsets.UTF_8);
    /** The lowest height above genesis whose block is kept; absent while nothing was pruned. */
    private static final byte[] EARLIEST_BLOCK = "earliest_block".getBytes(StandardCharsets.UTF_8);

    private final Path dir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache blockCache;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle meta, blocks, blockHash, txs, state, smt, commits, results, validatorSets;
    private final StoredDeadlineIndex deadlines;
    private final ExplorerIndex explorer;
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
        deadlines = new StoredDeadlineIndex(this, handles.get(6));
        commits = handles.get(7);
        results = handles.get(8);
        explorer = new ExplorerIndex(this, handles.get(9), handles.get(10));
        validatorSets = handles.get(11);
        syncWrite = new WriteOptions().setSync(true);
        checkFormat();
        deadlines.rebuildIfMissing();
        explorer.rebuildIfMissing();
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

    public static ChainStore open(Path dir) {
        return new ChainStore(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The index of open market tasks by deadline, which block execution reads as its {@link DeadlineIndex}. */
    public StoredDeadlineIndex deadlines() {
        return deadlines;
    }

    /** The indexes a block explorer reads: an address's transactions and the tasks newest first. */
    public ExplorerIndex explorer() {
        return explorer;
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new ChainStoreException("read from " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /* The indexes' access to the database: their own column families, their markers in meta, a synced write. */

    byte[] meta(byte[] key) {
        return get(meta, key);
    }

    void putMeta(WriteBatch b, byte[] key, byte[] value) throws RocksDBException {
        b.put(meta, key, value);
    }

    void writeSynced(WriteBatch b) throws RocksDBException {
        db.write(syncWrite, b);
    }

    /** An iterator over the committed entries of {@code cf}; the caller closes it. */
    RocksIterator iterator(ColumnFamilyHandle cf) {
        return db.newIterator(cf);
    }

    /** Adds the deletion of every entry of {@code cf} (keys of up to 64 bytes) to {@code b}. */
    static void clearColumn(WriteBatch b, ColumnFamilyHandle cf) throws RocksDBException {
        byte[] hi = new byte[64];
        java.util.Arrays.fill(hi, (byte) 0xff);
        b.deleteRange(cf, new byte[0], hi);
        b.delete(cf, hi);
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
                for (Transaction tx : block.transactions()) b.delete(txs, tx.hash());
                explorer.remove(b, block);
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
        try (StateView v = stateView()) {
            v.forEachState(type, action);
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
            explorer.put(b, block, txHashes, gasPerTx);
            for (int i = 0; i < txHashes.size(); i++) {
                byte[] loc = new byte[20];
                putBe64(loc, 0, h);
                putBe32(loc, 8, i);
                putBe64(loc, 12, gasPerTx.get(i));
                b.put(txs, txHashes.get(i), loc);
            }
            putState(b, writes, smtUpdate);
            deadlines.apply(b, indexWrites);
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

    /** Adds state writes, SMT node writes and the new SMT root to {@code b}. */
    private void putState(WriteBatch b, List<StateWrite> writes, SparseMerkleTree.Update smtUpdate)
            throws RocksDBException {
        for (StateWrite w : writes) {
            byte[] k = stateKey(w.type(), w.treeKey());
            if (w.value() == null) b.delete(state, k); else b.put(state, k, w.value());
        }
        for (SparseMerkleTree.NodeWrite w : smtUpdate.nodeWrites()) {
            byte[] v = w.encoded();
            if (v == null) b.delete(smt, w.path().bytes()); else b.put(smt, w.path().bytes(), v);
        }
        b.put(meta, SMT_ROOT, smtUpdate.root().encode());
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

    /** A consistent read-only view of the committed state as it is now; the caller closes it. */
    public StateView stateView() {
        return new StateView(db, state, meta, dir);
    }

    /**
     * Empties the state, the SMT and the deadline index, before a snapshot is restored into a store that holds only
     * the genesis block.
     */
    public void clearState() {
        if (headHeight() != 0) throw new IllegalStateException("state is restored only into a store at genesis");
        try (WriteBatch b = new WriteBatch()) {
            clearColumn(b, state);
            clearColumn(b, smt);
            deadlines.clear(b);
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
            putState(b, writes, smtUpdate);
            db.write(syncWrite, b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("writing state to " + dir + " failed: " + e.getMessage(), e);
        }
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
