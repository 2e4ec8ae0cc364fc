package org.cpc.chain.mempool;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bounds what one sender can make this node spend on proofs that turn out wrong. Checking a synthetic proof costs
 * milliseconds of CPU; a sender whose last {@code maxStrikes} proofs within {@code windowMs} all failed is refused
 * before the expensive check until the window passes. Honest workers never trip it: their proofs verify. The
 * guard is a node's admission policy, not a consensus rule, so it may use the node's clock.
 */
public final class ProofFloodGuard {
    private final int maxStrikes;
    private final long windowMs;
    private final int maxSenders;
    private final Map<String, Deque<Long>> strikes;

    public ProofFloodGuard(int maxStrikes, long windowMs, int maxSenders) {
        this.maxStrikes = maxStrikes;
        this.windowMs = windowMs;
        this.maxSenders = maxSenders;
        // Access order, so that when too many senders are tracked the one heard from least recently is forgotten.
        this.strikes = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Null when {@code sender} may have a proof checked now, else the reason it may not. */
    public synchronized String refusal(String sender, long nowMs) {
        Deque<Long> d = strikes.get(sender);
        if (d == null) return null;
        while (!d.isEmpty() && d.peekFirst() <= nowMs - windowMs) d.pollFirst();
        if (d.isEmpty()) {
            strikes.remove(sender);
            return null;
        }
        if (d.size() < maxStrikes) return null;
        long waitS = (d.peekFirst() + windowMs - nowMs + 999) / 1000;
        return "sender " + sender + " sent " + d.size() + " invalid proofs in the last " + windowMs / 1000
                + " s; this node checks no more of its proofs for " + waitS + " s";
    }

    /** Records a proof from {@code sender} that failed verification. */
    public synchronized void strike(String sender, long nowMs) {
        Deque<Long> d = strikes.computeIfAbsent(sender, s -> new ArrayDeque<>());
        d.addLast(nowMs);
        while (d.size() > maxStrikes) d.pollFirst();
        if (strikes.size() > maxSenders) {
            var it = strikes.entrySet().iterator();
            it.next();
            it.remove();
        }
    }
}
