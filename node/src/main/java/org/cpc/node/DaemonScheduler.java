package org.cpc.node;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one daemon thread a node component (consensus, block sync) runs its scheduled work on; what is still scheduled
 * is dropped at shutdown.
 */
public final class DaemonScheduler {
    private DaemonScheduler() {}

    /** A one-thread scheduler whose thread is called {@code name}. */
    public static ScheduledThreadPoolExecutor single(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        return executor;
    }
}
