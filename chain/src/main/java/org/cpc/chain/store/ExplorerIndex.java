package org.cpc.chain.store;

import static org.cpc.chain.store.BigEndian.be32;
import static org.cpc.chain.store.BigEndian.be64;
import static org.cpc.chain.store.BigEndian.putBe32;
import static org.cpc.chain.store.BigEndian.putBe64;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The two indexes a block explorer reads, derived from the blocks alone and never hashed into any root:
 * {@code address_txs} (uint8 length ‖ UTF-8(address) ‖ uint64_be height ‖ uint32_be index → tx hash ‖ uint64_be gas
 * used: every transaction naming the address, see {@link #addressesOf}) and {@code tasks_created} (uint64_be height ‖
 * uint32_be index → UTF-8(task_id) of each CREATE_TASK, so tasks list newest first). They live apart from
 * {@link ChainStore} because nothing the chain decides depends on them: the store only lets them add their entries
 * to the {@link WriteBatch} of each block commit (so a block and its entries land together) and remove them when
 * blocks are pruned. A store made before them gets them rebuilt from its blocks once, when opened.
 */
public final class ExplorerIndex {
    /** Present in {@code meta} once {@code address_txs} and {@code tasks_created} cover every committed block. */
    private static final byte[] MARKER = "explorer_index_v1".getBytes(StandardCharsets.UTF_8);
    /** Blocks per write batch while rebuilding the index of an older store. */
    private static final int REBUILD_BATCH_BLOCKS = 1000;

    private final ChainStore store;
    private final ColumnFamilyHandle addressTxs, tasksCreated;

    ExplorerIndex(ChainStore store, ColumnFamilyHandle addressTxs, ColumnFamilyHandle tasksCreated) {
        this.store = store;
        this.addressTxs = addressTxs;
        this.tasksCreated = tasksCreated;
    }

    /**
     * Indexes every stored block, then marks the store as covered, unless it is marked already. Does the work once,
     * when a store made before these indexes is opened; writing an entry twice is harmless, so a rebuild cut short by
     * a crash simply runs again.
     */
    void rebuildIfMissing() {
        if (store.meta(MARKER) != null) return;
        long head = store.headHeight();
        try {
            for (long from = 0; from <= head; from += REBUILD_BATCH_BLOCKS) {
                try (WriteBatch b = new WriteBatch()) {
                    for (long h = from; h <= Math.min(head, from + REBUILD_BATCH_BLOCKS - 1); h++) {
                        Block block = store.block(h);
                        List<byte[]> hashes = block.transactions().stream().map(Transaction::hash).toList();
                        List<Long> gas = new ArrayList<>();
                        for (byte[] th : hashes) gas.add(store.txLocation(th)[2]);
                        put(b, block, hashes, gas);
                    }
                    store.writeSynced(b);
                }
            }
            try (WriteBatch b = new WriteBatch()) {
                store.putMeta(b, MARKER, new byte[] {1});
                store.writeSynced(b);
            }
        } catch (RocksDBException e) {
            throw new ChainStoreException("rebuilding the explorer index in " + store.dir() + " failed: "
                    + e.getMessage(), e);
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

    /** Adds a block's entries to {@code b}, the batch that commits the block. */
    void put(WriteBatch b, Block block, List<byte[]> txHashes, List<Long> gasPerTx) throws RocksDBException {
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

    /**
     * Adds the deletion of a pruned block's {@code address_txs} entries to {@code b}, the batch that prunes it. Its
     * {@code tasks_created} entries stay: the tasks they name stay in the state.
     */
    void remove(WriteBatch b, Block block) throws RocksDBException {
        long h = block.header().height();
        for (int i = 0; i < block.transactions().size(); i++) {
            for (String a : addressesOf(block.transactions().get(i))) b.delete(addressTxs, addressTxKey(a, h, i));
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
        byte[] k = Arrays.copyOf(p, p.length + 12);
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
        try (RocksIterator it = store.iterator(addressTxs)) {
            // seekForPrev lands on the last key <= the cursor; the cursor itself is excluded.
            byte[] cursor = addressTxKey(address, beforeHeight, beforeIndex);
            it.seekForPrev(cursor);
            if (it.isValid() && Arrays.equals(it.key(), cursor)) it.prev();
            for (; it.isValid() && out.size() < limit; it.prev()) {
                byte[] k = it.key();
                if (k.length != prefix.length + 12 || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                byte[] v = it.value();
                out.add(new AddressTxRef(be64(k, prefix.length), (int) be32(k, prefix.length + 8),
                        Arrays.copyOf(v, 32), be64(v, 32)));
            }
        }
        return out;
    }

    /**
     * Calls {@code visit} with the task_id of each CREATE_TASK at or below {@code maxHeight}, newest first, until it
     * returns false.
     */
    public void forEachTaskNewestFirst(long maxHeight, Predicate<String> visit) {
        try (RocksIterator it = store.iterator(tasksCreated)) {
            // index -1 is 0xffffffff as unsigned bytes: after every transaction of block maxHeight
            for (it.seekForPrev(position(maxHeight, -1)); it.isValid(); it.prev()) {
                if (!visit.test(new String(it.value(), StandardCharsets.UTF_8))) return;
            }
        }
    }
}
