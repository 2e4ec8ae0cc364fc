package org.cpc.chain.store;

import static org.cpc.chain.store.BigEndian.be64;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;

/**
 * A consistent read-only view of the committed state as it was when {@link ChainStore#stateView()} took it: later
 * commits do not change what it shows. Cheap to take (a RocksDB snapshot); read it on another thread while blocks
 * commit (a state snapshot is written from one), then close it. Its own class because it outlives the call that
 * took it, unlike the store's other reads.
 */
public final class StateView implements AutoCloseable {
    private final RocksDB db;
    private final ColumnFamilyHandle state, meta;
    private final Path dir;
    private final Snapshot snapshot;

    StateView(RocksDB db, ColumnFamilyHandle state, ColumnFamilyHandle meta, Path dir) {
        this.db = db;
        this.state = state;
        this.meta = meta;
        this.dir = dir;
        this.snapshot = db.getSnapshot();
    }

    /** Every state entry in store order (key space byte, then tree key). */
    public void forEach(StateVisitor visit) {
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(state, ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                visit.entry(k[0], Arrays.copyOfRange(k, 1, k.length), it.value());
            }
        }
    }

    /** Every entry of one key space, in tree-key order. */
    public void forEachState(byte type, BiConsumer<byte[], byte[]> action) {
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(state, ro)) {
            for (it.seek(new byte[] {type}); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k[0] != type) break;
                action.accept(Arrays.copyOfRange(k, 1, k.length), it.value());
            }
        }
    }

    /** The head height as of this view (written in the same batch as the state it shows). */
    public long headHeight() {
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            byte[] v = db.get(meta, ro, ChainStore.HEAD);
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

    /** One state entry. */
    @FunctionalInterface
    public interface StateVisitor {
        void entry(byte type, byte[] treeKey, byte[] value);
    }
}
