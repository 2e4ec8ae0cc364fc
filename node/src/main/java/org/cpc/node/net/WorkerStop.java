package org.cpc.node.net;

import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How the node's single-thread network workers (block sync, transaction gossip) stop: what is still queued is
 * dropped (peers re-send or are asked again after a restart), the task running finishes, for at most 30 s.
 */
final class WorkerStop {
    private WorkerStop() {}

    static void dropQueuedAndStop(ThreadPoolExecutor executor) {
        executor.getQueue().clear();
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
