package org.cpc.p2p;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Addresses learnt by peer exchange, with when each may next be dialled. Bounded: when full the oldest entry goes
 * (peers cannot grow it without limit); an address that failed {@link #MAX_FAILURES} times in a row is forgotten.
 * Iterates in insertion order, so which address is tried first does not depend on hashing.
 */
final class AddressBook {
    static final int MAX_FAILURES = 8;

    private final int capacity;
    private final Map<PeerAddress, Slot> entries;

    private static final class Slot {
        int failures;
        long nextAttemptMs;
    }

    AddressBook(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerAddress, Slot> eldest) {
                return size() > AddressBook.this.capacity;
            }
        };
    }

    synchronized void add(PeerAddress a) {
        entries.putIfAbsent(a, new Slot());
    }

    /** Addresses whose backoff has passed, oldest first. */
    synchronized List<PeerAddress> due(long nowMs) {
        List<PeerAddress> out = new ArrayList<>();
        entries.forEach((a, e) -> {
            if (e.nextAttemptMs <= nowMs) out.add(a);
        });
        return out;
    }

    synchronized void failed(PeerAddress a, long nowMs) {
        Slot e = entries.get(a);
        if (e == null) return;
        if (++e.failures >= MAX_FAILURES) {
            entries.remove(a);
        } else {
            e.nextAttemptMs = nowMs + Backoff.delayMs(e.failures);
        }
    }

    /** After a connection ends: wait the base delay before dialling it again. */
    synchronized void succeeded(PeerAddress a, long nowMs) {
        Slot e = entries.get(a);
        if (e == null) return;
        e.failures = 0;
        e.nextAttemptMs = nowMs + Backoff.BASE_MS;
    }

    synchronized void remove(PeerAddress a) {
        entries.remove(a);
    }

    synchronized int size() {
        return entries.size();
    }
}
