package org.cpc.poc.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connected workers' {@link WorkerStanding}s, as the edge last read them from L1, and which are due to be read
 * again. Part of {@link Dispatch}: only the addresses of connected workers are kept.
 */
final class Standings {
    /** How long a standing read from L1 is used before it is read again (a bond, a slash or an audit shows by then). */
    static final long REFRESH_MS = 60_000;

    private record Known(WorkerStanding standing, long askedAtMs) {}

    private final Map<String, Known> known = new LinkedHashMap<>();
    /** The highest rank among the connected workers: a search for a worker stops at the first free one of it. */
    private int topRank;

    WorkerStanding of(String address) {
        Known k = known.get(address);
        return k == null ? WorkerStanding.UNKNOWN : k.standing();
    }

    int topRank() {
        return topRank;
    }

    /**
     * The addresses among {@code ready} (in their order) never read or read more than {@link #REFRESH_MS} ago; each
     * is marked as asked, so it is listed again only after another {@link #REFRESH_MS} even if the read fails.
     */
    List<String> due(List<WorkerSession> ready, long nowMs) {
        List<String> out = new ArrayList<>();
        for (WorkerSession s : ready) {
            Known k = known.get(s.address);
            if (k != null && nowMs - k.askedAtMs() < REFRESH_MS) continue;
            known.put(s.address, new Known(k == null ? WorkerStanding.UNKNOWN : k.standing(), nowMs));
            out.add(s.address);
        }
        return out;
    }

    /**
     * L1's answer for a worker; false (ignored) when no session of it is connected (any more). It counts as asked
     * when it was answered if it was never listed as due.
     */
    boolean learned(String address, WorkerStanding standing, long nowMs, List<WorkerSession> ready) {
        boolean connected = false;
        for (WorkerSession s : ready) connected |= s.address.equals(address);
        if (!connected) return false;
        Known k = known.get(address);
        known.put(address, new Known(standing, k == null ? nowMs : k.askedAtMs()));
        recount(ready);
        return true;
    }

    /** A worker's last session is gone: its standing is forgotten (read again when it comes back). */
    void retain(List<WorkerSession> ready) {
        Set<String> connected = new HashSet<>(); // membership only; never iterated
        for (WorkerSession s : ready) connected.add(s.address);
        known.keySet().retainAll(connected);
        recount(ready);
    }

    void recount(List<WorkerSession> ready) {
        int top = 0;
        for (WorkerSession s : ready) top = Math.max(top, of(s.address).rank());
        topRank = top;
    }
}
