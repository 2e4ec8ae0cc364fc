package org.cpc.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * When one client of {@code cpc bench tps} sends its transactions. Paced (open loop): transaction i of the whole
 * run is due at {@code start + i / rate} seconds, fixed before sending begins, and client c of C takes i = c,
 * c + C, c + 2C, ...; a transaction's latency is counted from its due time, so a client that falls behind (a slow
 * POST, a full mempool pushing back) shows as latency instead of silently sending less (the coordinated-omission
 * rule). Unpaced (rate 0, closed loop): each transaction is due when the previous one's request returned.
 */
final class SendSchedule {
    private final long startNanos;
    private final long endNanos;
    private final long ratePerS;
    private final int stride;
    private long index;

    private SendSchedule(long startNanos, long endNanos, long ratePerS, int client, int clients) {
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.ratePerS = ratePerS;
        this.index = client;
        this.stride = clients;
    }

    /** Client {@code client} of {@code clients}: paced at {@code ratePerS} tx/s over all clients, or unpaced for 0. */
    static SendSchedule of(long startNanos, long endNanos, long ratePerS, int client, int clients) {
        if (ratePerS < 0 || client < 0 || client >= clients) {
            throw new IllegalArgumentException("rate " + ratePerS + ", client " + client + " of " + clients);
        }
        return new SendSchedule(startNanos, endNanos, ratePerS, client, clients);
    }

    boolean paced() {
        return ratePerS > 0;
    }

    /**
     * The due time of this client's next transaction (System.nanoTime), or -1 once it would fall at or after the
     * end of sending. Unpaced, that is now.
     */
    long peek() {
        long due = paced() ? startNanos + index * 1_000_000_000L / ratePerS : System.nanoTime();
        return due < endNanos ? due : -1;
    }

    /** Takes the transaction {@link #peek} named. */
    void advance() {
        index += stride;
    }

    /** Waits until the next transaction is due and takes it: its due time, or -1 when sending is over. */
    long awaitNext() {
        long due = peek();
        if (due < 0) return -1;
        for (long wait; (wait = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(wait);
        advance();
        return due;
    }
}
