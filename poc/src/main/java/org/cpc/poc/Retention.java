package org.cpc.poc;

import java.time.Duration;

/**
 * How long the PoC validator keeps what it no longer needs.
 *
 * @param disputeWindow blocks after a task's end during which its jobs' results can be disputed by a fraud proof:
 *                     until then the task's trace (its records, job outputs and input blobs) is kept whatever the
 *                     other periods say. Counted from the first L1 height a sweep sees after the task ended (never
 *                     before L1's own end of the task). Should be at least L1's {@code dispute_window}: {@code cpc
 *                     poc start} makes it so ({@link #atLeast}); 0: no window
 * @param keepFinished how long a completed, failed or cancelled task (its records, job outputs and merged result) is
 *                     kept after it ended; then {@code GET /tasks/{id}} and its result answer 410 Gone
 * @param blobGrace    a blob no unfinished task uses is deleted once it is at least this old (written or re-uploaded
 *                     that long ago), so a customer can upload inputs and create the task later
 * @param maxDeletions most deletions in one sweep (a task's records count one, a blob file one): a sweep after a long
 *                     downtime spreads over several passes instead of stalling the disk
 * @param every        time between sweeps
 */
public record Retention(long disputeWindow, Duration keepFinished, Duration blobGrace, int maxDeletions,
                        Duration every) {
    /** A day of 1-second blocks: what a PoC validator that cannot read L1's {@code dispute_window} keeps. */
    public static final long DEFAULT_DISPUTE_WINDOW = 86_400;
    public static final Retention DEFAULTS = new Retention(DEFAULT_DISPUTE_WINDOW, Duration.ofDays(30),
            Duration.ofDays(1), 1000, Duration.ofMinutes(1));

    public Retention {
        if (disputeWindow < 0) throw new IllegalArgumentException("the dispute window must not be negative");
        if (keepFinished.isNegative()) throw new IllegalArgumentException("the time finished tasks are kept must not be negative");
        if (blobGrace.isNegative()) throw new IllegalArgumentException("the blob grace period must not be negative");
        if (maxDeletions < 1) throw new IllegalArgumentException("deletions per sweep must be positive");
        if (every.toMillis() < 1) throw new IllegalArgumentException("the sweep interval must be positive");
    }

    /** This policy keeping traces at least {@code l1Window} blocks, L1's {@code dispute_window}. */
    public Retention atLeast(long l1Window) {
        return l1Window <= disputeWindow ? this : new Retention(l1Window, keepFinished, blobGrace, maxDeletions, every);
    }
}
