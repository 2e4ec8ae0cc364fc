package org.cpc.chain.mempool;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts recent strikes (requests that cost this node work and turned out bad) per key — a sender address, a
 * peer's IP — and blocks a key whose last {@code maxStrikes} strikes all fall within {@code windowMs}, until the
 * window passes. Checking a synthetic proof costs milliseconds of CPU, so the chain uses it per sender and the
 * node per peer to bound what floods of bad proofs can cost. An admission policy, not a consensus rule: it may use
 * the node's clock. Thread-safe; at most {@code maxKeys} keys are remembered, the least recently seen forgotten.
 */
public final class StrikeWindow {
    private final int maxStrikes;
    private final long windowMs;
    private final int maxKeys;
    private final Map<String, Deque<Long>> strikes;

    public StrikeWindow(int maxStrikes, long windowMs, int maxKeys) {
        this.maxStrikes = maxStrikes;
        this.windowMs = windowMs;
        this.maxKeys = maxKeys;
        this.strikes = new LinkedHashMap<>(16, 0.75f, true);
    }

    public int maxStrikes() {
        return maxStrikes;
    }

    public long windowMs() {
        return windowMs;
    }

    /** 0 when {@code key} may go on now, else how many milliseconds it stays blocked. */
    public synchronized long blockedForMs(String key, long nowMs) {
        Deque<Long> d = strikes.get(key);
        if (d == null) return 0;
        while (!d.isEmpty() && d.peekFirst() <= nowMs - windowMs) d.pollFirst();
        if (d.isEmpty()) {
            strikes.remove(key);
            return 0;
        }
        return d.size() < maxStrikes ? 0 : d.peekFirst() + windowMs - nowMs;
    }

    public synchronized void strike(String key, long nowMs) {
        Deque<Long> d = strikes.computeIfAbsent(key, s -> new ArrayDeque<>());
        d.addLast(nowMs);
        while (d.size() > maxStrikes) d.pollFirst();
        if (strikes.size() > maxKeys) {
            var it = strikes.entrySet().iterator();
            it.next();
            it.remove();
        }
    }
}
