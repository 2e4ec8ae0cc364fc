package org.cpc.p2p;

/** Redial delays: 250 ms doubling per failed attempt, capped at 30 s, so a dead peer costs one dial every 30 s. */
final class Backoff {
    static final long BASE_MS = 250;
    static final long CAP_MS = 30_000;

    private Backoff() {}

    /** The wait before attempt {@code failures + 1}; 0 failures waits the base delay. */
    static long delayMs(int failures) {
        return Math.min(CAP_MS, BASE_MS << Math.min(failures, 10));
    }
}
