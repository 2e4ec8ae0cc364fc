package org.cpc.poc.core;

/**
 * What L1 says of a worker ({@code GET /worker/{address}}): whether its worker bond is at least
 * {@code min_worker_bond} ({@code bonded_enough}) and its reputation in basis points ({@code reputation}, 0..10000,
 * docs/protocol.md "Counters and reputation"). The {@link PocMachine} routes jobs and sizes duplicate execution by it
 * (docs/protocol.md, "Routing by reputation"); the edge reads it from L1 and feeds it in as an input.
 */
public record WorkerStanding(boolean bonded, int reputationBps) {
    /** A worker L1 has not been asked about yet (or could not say): treated as unbonded, with no reputation. */
    public static final WorkerStanding UNKNOWN = new WorkerStanding(false, 0);
    public static final int MAX_BPS = 10_000;
    /** Reputation counts for routing in tiers this wide, so that workers of about equal standing share the work. */
    static final int TIER_BPS = 1_000;
    /** The highest {@link #rank()}: bonded, reputation 10000. */
    static final int MAX_RANK = 1 + MAX_BPS / TIER_BPS;
    /** A fully reputable bonded worker's jobs are run twice this many times less often than an unbonded one's. */
    static final int DUPLICATE_REDUCTION = 4;

    public WorkerStanding {
        if (reputationBps < 0 || reputationBps > MAX_BPS) {
            throw new IllegalArgumentException("reputation must be 0.." + MAX_BPS + " bps, got " + reputationBps);
        }
    }

    /** The reputation that counts: an unbonded worker's record is not at stake, so it counts for nothing. */
    int effectiveBps() {
        return bonded ? reputationBps : 0;
    }

    /** Jobs go to the free worker of highest rank first: 0 unbonded, else 1 + reputation / 1000 (1..11). */
    int rank() {
        return bonded ? 1 + reputationBps / TIER_BPS : 0;
    }

    /**
     * The chance that this worker's verified output is also run by a second worker: the operator's
     * {@code --duplicate-probability} {@code base} for an unbonded or unknown worker, falling linearly with
     * reputation to {@code base / 4} for a bonded worker at 10000 bps.
     */
    double duplicateProbability(double base) {
        long scaleBps = MAX_BPS - (long) effectiveBps() * (DUPLICATE_REDUCTION - 1) / DUPLICATE_REDUCTION;
        return base * scaleBps / MAX_BPS;
    }
}
