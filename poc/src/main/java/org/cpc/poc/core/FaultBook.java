package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import org.cpc.protocol.codec.Json;

/**
 * Each worker's record of wrong results (the newest {@link #MAX_FAULTS_KEPT}), as {@code GET /workers/{address}}
 * shows it. Part of the {@link PocMachine}: kept in memory (loaded at start) and written on every fault.
 */
final class FaultBook {
    /** How many faults a worker's record keeps (the newest). */
    static final int MAX_FAULTS_KEPT = 20;

    private final Outbox out;
    /** By address; only looked up, never iterated. */
    private final Map<String, ObjectNode> records = new HashMap<>();

    FaultBook(Outbox out) {
        this.out = out;
    }

    void load(Map<String, JsonNode> stored) {
        stored.forEach((a, w) -> records.put(a, (ObjectNode) w.deepCopy()));
    }

    void add(String worker, Job j, String reason, long nowMs) {
        ObjectNode w = records.computeIfAbsent(worker, k -> Json.object());
        w.put("faults_total", w.path("faults_total").asLong() + 1);
        ArrayNode list = w.has("faults") ? (ArrayNode) w.get("faults") : w.putArray("faults");
        ObjectNode e = list.addObject();
        e.put("job_id", j.id());
        e.put("reason", reason);
        e.put("at", nowMs / 1000);
        while (list.size() > MAX_FAULTS_KEPT) list.remove(0);
        out.persist(StoreKeys.worker(worker), w.deepCopy());
    }

    JsonNode record(String address) {
        ObjectNode w = records.get(address);
        return w == null ? Json.object() : w.deepCopy();
    }
}
