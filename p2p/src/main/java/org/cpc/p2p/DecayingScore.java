package org.cpc.p2p;

/**
 * A peer's misbehaviour score: points that halve every {@link #HALF_LIFE_MS}, so an honest peer that once relayed
 * something stale is not banned for it days later, while a steady stream of bad messages still reaches the ban
 * score. Integer halvings, no floating point: the score is shown to users and must not flicker between runs.
 */
final class DecayingScore {
    static final long HALF_LIFE_MS = 60_000;

    private int points;
    private long sinceMs;

    DecayingScore(long nowMs) {
        this.sinceMs = nowMs;
    }

    synchronized int add(int delta, long nowMs) {
        decay(nowMs);
        points = (int) Math.min(Integer.MAX_VALUE, (long) points + delta);
        return points;
    }

    synchronized int value(long nowMs) {
        decay(nowMs);
        return points;
    }

    private void decay(long nowMs) {
        long halvings = (nowMs - sinceMs) / HALF_LIFE_MS;
        if (halvings <= 0) return;
        points = halvings >= 31 ? 0 : points >> halvings;
        // Keep the remainder of the current half-life, so frequent reads do not stop the decay.
        sinceMs += halvings * HALF_LIFE_MS;
    }
}
