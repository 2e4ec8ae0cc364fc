package org.cpc.worker;

import java.time.Duration;

/** A solo or pool worker: runs on a thread of its own until it is stopped. */
public interface Worker extends Runnable {
    /** Asks the worker to stop; {@link #run()} returns soon after. */
    void stop();

    /** Waits for {@link #run()} to return after {@link #stop()}; false when it has not within the timeout. */
    boolean awaitStopped(Duration timeout) throws InterruptedException;

    /** Its figures now, for {@link WorkerMetrics}; thread-safe and cheap (read at every scrape). */
    WorkerReading reading();
}
