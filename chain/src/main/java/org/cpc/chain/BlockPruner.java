package org.cpc.chain;

import org.cpc.chain.store.ChainStore;

/**
 * Deletes blocks that fell out of what {@link Pruning} keeps, on its own thread so that a commit never waits for
 * it: the chain tells it each new head, and it deletes up to {@link #BATCH_BLOCKS} blocks per atomic store write
 * until only the kept ones remain. A crash between two writes leaves a store that is merely less pruned; the next
 * start goes on from there.
 */
final class BlockPruner implements AutoCloseable {
    /** Blocks deleted per synced write: bounds one write's size while a long backlog is worked off. */
    static final int BATCH_BLOCKS = 256;
    private static final System.Logger LOG = System.getLogger(BlockPruner.class.getName());

    private final ChainStore store;
    private final long keep;
    private final Thread thread;
    private final Object wake = new Object();
    private long head;
    private boolean closed;

    BlockPruner(ChainStore store, Pruning pruning, long headHeight) {
        if (pruning.archive()) throw new IllegalArgumentException("an archive node prunes nothing");
        this.store = store;
        this.keep = pruning.keepBlocks();
        this.head = headHeight;
        this.thread = Thread.ofPlatform().name("block-pruner").daemon(true).start(this::run);
    }

    /** The chain committed {@code height}. */
    void headAt(long height) {
        synchronized (wake) {
            head = Math.max(head, height);
            wake.notifyAll();
        }
    }

    private void run() {
        try {
            while (true) {
                long below;
                synchronized (wake) {
                    // Heights head-keep+1 .. head stay; the genesis block always does.
                    while (!closed && head - keep + 1 <= store.earliestBlock()) wake.wait();
                    if (closed) return;
                    below = head - keep + 1;
                }
                long to = Math.min(below, store.earliestBlock() + BATCH_BLOCKS);
                store.pruneBlocks(to);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The store is closing or failing; commits report that themselves. Stop pruning, keep the node up.
            LOG.log(System.Logger.Level.WARNING, "block pruning stopped: " + e);
        }
    }

    /** Stops the thread, after the write in progress if any (the store must outlive it). */
    @Override
    public void close() {
        synchronized (wake) {
            closed = true;
            wake.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
