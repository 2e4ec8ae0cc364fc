package org.cpc.chain.store;

import static org.cpc.chain.store.BigEndian.be64;
import static org.cpc.chain.store.BigEndian.putBe64;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.state.StateKeys;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The {@link DeadlineIndex} as the store keeps it, in the column family {@code task_deadlines}: uint64_be(deadline) ‖
 * UTF-8(task_id) → empty, one key per open market task, so the open tasks lie in deadline order. It is derived from
 * key space 0x05 of the state; block execution reads it to fail expired tasks without scanning the state, and a
 * block's changes to it ({@link DeadlineIndex.Write}) go into the {@link WriteBatch} that commits the block. Kept in
 * its own class because the executor sees it only as a {@link DeadlineIndex}, and because it can be rebuilt from the
 * state at any time (after a restore, or in a store made before it existed).
 */
public final class StoredDeadlineIndex implements DeadlineIndex {
    /** Present in {@code meta} once the index matches the committed tasks. */
    private static final byte[] MARKER = "task_deadlines_v1".getBytes(StandardCharsets.UTF_8);

    private final ChainStore store;
    private final ColumnFamilyHandle deadlines;

    StoredDeadlineIndex(ChainStore store, ColumnFamilyHandle deadlines) {
        this.store = store;
        this.deadlines = deadlines;
    }

    /** Rebuilds the index when the store has none yet (made before it existed). */
    void rebuildIfMissing() {
        if (store.meta(MARKER) == null) rebuild();
    }

    /**
     * Rebuilds the index from the committed tasks (key space 0x05): every open task, nothing else, and marks it
     * built, in one synced write. Tools and a restore call it to repair one.
     */
    public void rebuild() {
        try (WriteBatch b = new WriteBatch()) {
            try (RocksIterator it = store.iterator(deadlines)) {
                for (it.seekToFirst(); it.isValid(); it.next()) b.delete(deadlines, it.key());
            }
            store.forEachState(StateKeys.TASK, (k, v) -> {
                MarketTask t = MarketTask.decode(v);
                if (t.status().open()) {
                    try {
                        b.put(deadlines, key(t.deadline(), t.taskId()), new byte[0]);
                    } catch (RocksDBException e) {
                        throw new ChainStoreException("rebuilding the deadline index failed: " + e.getMessage(), e);
                    }
                }
            });
            store.putMeta(b, MARKER, new byte[] {1});
            store.writeSynced(b);
        } catch (RocksDBException e) {
            throw new ChainStoreException("rebuilding the deadline index in " + store.dir() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Adds a block's index changes to {@code b}, the batch that commits the block. */
    void apply(WriteBatch b, List<DeadlineIndex.Write> writes) throws RocksDBException {
        for (DeadlineIndex.Write w : writes) {
            byte[] k = key(w.entry().deadline(), w.entry().taskId());
            if (w.present()) b.put(deadlines, k, new byte[0]); else b.delete(deadlines, k);
        }
    }

    /** Adds the deletion of every entry to {@code b} (a restore empties the state, then rebuilds this). */
    void clear(WriteBatch b) throws RocksDBException {
        ChainStore.clearColumn(b, deadlines);
    }

    private static byte[] key(long deadline, String taskId) {
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        byte[] k = new byte[8 + id.length];
        putBe64(k, 0, deadline);
        System.arraycopy(id, 0, k, 8, id.length);
        return k;
    }

    /** Up to {@code limit} open tasks with a deadline before {@code nowS}, in (deadline, task_id) order. */
    @Override
    public List<Entry> due(long nowS, int limit) {
        List<Entry> out = new ArrayList<>();
        try (RocksIterator it = store.iterator(deadlines)) {
            for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
                byte[] k = it.key();
                long d = be64(k, 0);
                if (d >= nowS) break;
                out.add(new Entry(d, new String(k, 8, k.length - 8, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** Every entry of the index, in order (for tests, tools and the open-task count). */
    public List<Entry> entries() {
        return due(Long.MAX_VALUE, Integer.MAX_VALUE);
    }
}
