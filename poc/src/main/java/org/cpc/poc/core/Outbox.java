package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cpc.compute.market.PoolMessage;

/**
 * The effects one input of the {@link PocMachine} produced, in order, and what the machine does once a write it
 * asked for is synced. Acting on a state change only after its write is synced (telling a worker "accepted",
 * counting a job) is what keeps a crash from undoing anything anyone was told.
 */
final class Outbox {
    private final List<Effect> effects = new ArrayList<>();
    /** Keyed by token and only ever looked up: the order of this map is never observed. */
    private final Map<Long, Runnable> afterSync = new HashMap<>();
    private long nextToken = 1;

    void send(long session, PoolMessage.ServerMessage message) {
        effects.add(new Effect.Send(session, message));
    }

    void close(long session, int code, String reason) {
        effects.add(new Effect.Close(session, code, reason));
    }

    void add(Effect e) {
        effects.add(e);
    }

    /** Writes {@code puts} in one synced batch; nothing waits for it. */
    void persist(List<Effect.Persist.Put> puts) {
        effects.add(new Effect.Persist(List.copyOf(puts), null, null, 0));
    }

    void persist(String key, JsonNode value) {
        persist(List.of(new Effect.Persist.Put(key, value)));
    }

    /**
     * Writes {@code puts} (and an output's bytes when {@code output} is not null) in one synced batch, then runs
     * {@code then} on the machine's thread.
     */
    void persist(List<Effect.Persist.Put> puts, String outputKey, byte[] output, Runnable then) {
        long token = nextToken++;
        afterSync.put(token, then);
        effects.add(new Effect.Persist(List.copyOf(puts), outputKey, output, token));
    }

    /** The write with {@code token} is synced: what waited for it happens now. */
    void synced(long token) {
        Runnable r = afterSync.remove(token);
        if (r == null) throw new IllegalStateException("no write is waiting with token " + token);
        r.run();
    }

    /** The effects produced since the last drain, in order. */
    List<Effect> drain() {
        if (effects.isEmpty()) return List.of();
        List<Effect> out = List.copyOf(effects);
        effects.clear();
        return out;
    }
}
