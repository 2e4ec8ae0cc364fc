package org.cpc.consensus;

/**
 * Timeouts in milliseconds, each {@code base + delta × round}: they grow with the round so that after the network
 * becomes timely (GST) a round eventually lasts long enough for honest validators to hear each other. {@code commit}
 * is the pause after a commit before the next height's round 0 (block time; it also lets late precommits arrive).
 */
public record TimeoutConfig(long propose, long proposeDelta, long prevote, long prevoteDelta, long precommit,
        long precommitDelta, long commit) {
    /** CometBFT's defaults, with the devnet's one-second block time as the commit pause. */
    public static final TimeoutConfig DEFAULT = new TimeoutConfig(3000, 500, 1000, 500, 1000, 500, 1000);

    public TimeoutConfig {
        if (propose < 0 || proposeDelta < 0 || prevote < 0 || prevoteDelta < 0 || precommit < 0 || precommitDelta < 0
                || commit < 0) {
            throw new IllegalArgumentException("timeouts must be >= 0");
        }
    }

    public long propose(int round) {
        return grow(propose, proposeDelta, round);
    }

    public long prevote(int round) {
        return grow(prevote, prevoteDelta, round);
    }

    public long precommit(int round) {
        return grow(precommit, precommitDelta, round);
    }

    private static long grow(long base, long delta, int round) {
        return base + delta * Math.min(round, 1_000_000); // bounded: no overflow, at most ~ delta × 10^6
    }
}
