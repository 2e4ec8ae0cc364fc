package org.cpc.client;

import java.time.Duration;

/**
 * Exponential backoff for reaching a node that is away: each failure doubles the wait, up to a cap, so a worker
 * left running through a node restart neither hammers it nor waits minutes once it is back. Not thread-safe; each
 * retrying loop owns one.
 */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial backoff must be positive");
        if (max.compareTo(initial) < 0) throw new IllegalArgumentException("maximum backoff must not be below the initial one");
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** Half a second, doubling to 30 seconds: what the worker uses against its node. */
    public static Backoff standard() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** The wait before the next attempt; the one after it is twice as long, up to the cap. */
    public Duration next() {
        Duration d = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return d;
    }

    /** After a success: the next failure waits the initial time again. */
    public void reset() {
        next = initial;
    }
}
