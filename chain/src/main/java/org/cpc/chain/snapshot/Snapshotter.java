package org.cpc.chain.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cpc.chain.store.StateView;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.types.Block;

/**
 * Takes snapshots without holding up commits: the chain hands it a consistent view of the state of a height (a
 * RocksDB snapshot, taken under its writer lock right after the commit) and it reads, chunks, hashes and writes
 * that view on its own thread while later blocks commit. One snapshot at a time: a height that comes due while the
 * previous one is still being written is skipped (logged).
 */
public final class Snapshotter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Snapshotter.class.getName());
    private final SnapshotPolicy policy;
    private final SnapshotStore store;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Thread running;
    private volatile boolean closed;

    public Snapshotter(SnapshotPolicy policy) {
        this.policy = policy;
        this.store = new SnapshotStore(policy.dir());
    }

    public SnapshotStore store() {
        return store;
    }

    /**
     * Snapshots {@code view}, the state committed with {@code block}; takes ownership of the view (closes it).
     * Returns at once.
     */
    public void take(Block block, StateView view) {
        if (closed || !busy.compareAndSet(false, true)) {
            view.close();
            if (!closed) LOG.log(System.Logger.Level.WARNING, "snapshot of height " + block.header().height()
                    + " skipped: the previous one is still being written (raise snapshot_interval)");
            return;
        }
        running = Thread.ofPlatform().name("snapshot-" + block.header().height()).daemon(true).start(() -> {
            try (view) {
                write(block, view);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "snapshot of height " + block.header().height() + " failed: " + e);
            } finally {
                busy.set(false);
            }
        });
    }

    private void write(Block block, StateView view) throws Exception {
        long h = block.header().height();
        SnapshotStore.Writing w = store.begin(h);
        try {
            List<String> hashes = new ArrayList<>();
            SnapshotChunks.Writer chunks = new SnapshotChunks.Writer(policy.chunkBytes(), bytes -> {
                hashes.add(Hex.encode(Sha256.hash(bytes)));
                w.chunk(bytes);
            });
            view.forEach((type, key, value) -> {
                if (closed) throw new IllegalStateException("closing");
                chunks.add(type, key, value);
            });
            chunks.finish();
            w.complete(new SnapshotManifest(SnapshotManifest.FORMAT, h, block.hashHex(), block.header().stateRoot(),
                    chunks.entries(), policy.chunkBytes(), hashes));
            store.prune(policy.keep());
            LOG.log(System.Logger.Level.INFO, "snapshot of height " + h + ": " + chunks.entries() + " entries in "
                    + hashes.size() + " chunk(s)");
        } catch (Exception e) {
            w.abandon();
            throw e;
        }
    }

    /** Waits for the snapshot being written, if any (tests and tools; the chain closes it before its store). */
    public void awaitIdle() throws InterruptedException {
        Thread t = running;
        if (t != null) t.join();
    }

    /** Stops a snapshot in progress (its files are removed) and waits for it: the store must outlive it. */
    @Override
    public void close() {
        closed = true;
        try {
            awaitIdle();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
