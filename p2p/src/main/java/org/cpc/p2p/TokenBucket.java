package org.cpc.p2p;

/**
 * A rate limit: {@code ratePerSecond} tokens a second, holding at most one second's worth (the burst). Tokens are
 * kept in units of 1e-9 so refills need no floating point. Used by one reader thread only, so not synchronized.
 */
final class TokenBucket {
    private static final long UNIT = 1_000_000_000L;

    private final long rate;
    private long tokens;
    private long lastNanos;

    TokenBucket(int ratePerSecond, long nowNanos) {
        this.rate = ratePerSecond;
        this.tokens = rate * UNIT;
        this.lastNanos = nowNanos;
    }

    /** Takes a token if there is one. */
    boolean tryTake(long nowNanos) {
        // Capped at one second before multiplying, so rate * elapsed cannot overflow.
        long elapsed = Math.min(Math.max(0, nowNanos - lastNanos), UNIT);
        lastNanos = nowNanos;
        tokens = Math.min(rate * UNIT, tokens + elapsed * rate);
        if (tokens < UNIT) return false;
        tokens -= UNIT;
        return true;
    }
}
