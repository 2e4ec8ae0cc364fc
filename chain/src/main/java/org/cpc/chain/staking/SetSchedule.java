package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The active sets in effect now and decided for the next heights (key space 0x11, id "validator_sets"): entries
 * {@code (from_height, set)} in increasing {@code from_height}; the set in effect at h is the last entry with
 * {@code from_height ≤ h}. A set decided at the end of block H takes effect at H + 2. Entries no longer needed
 * (followed by one in effect at the previous height) are pruned, so it holds at most four.
 */
public record SetSchedule(List<Entry> entries) {
    public record Entry(long fromHeight, ActiveSet set) {}

    static final Set<String> FIELDS = Set.of("from_height", "validators");

    public SetSchedule {
        entries = List.copyOf(entries);
    }

    /** The set in effect at {@code height}, or an empty set before the first entry. */
    public ActiveSet at(long height) {
        ActiveSet s = new ActiveSet(List.of());
        for (Entry e : entries) if (e.fromHeight() <= height) s = e.set();
        return s;
    }

    /** This schedule with {@code set} from {@code from}, unless the last entry already is that set. */
    SetSchedule decide(long from, ActiveSet set) {
        if (!entries.isEmpty() && entries.getLast().set().equals(set)) return this;
        List<Entry> out = new ArrayList<>(entries);
        out.add(new Entry(from, set));
        return new SetSchedule(out);
    }

    /** Drops entries that no height from {@code oldestNeeded} on can use. */
    SetSchedule prune(long oldestNeeded) {
        int first = 0;
        for (int i = 1; i < entries.size(); i++) if (entries.get(i).fromHeight() <= oldestNeeded) first = i;
        return first == 0 ? this : new SetSchedule(entries.subList(first, entries.size()));
    }

    byte[] encode() {
        ArrayNode a = Json.NODES.arrayNode();
        for (Entry e : entries) {
            ObjectNode o = a.addObject();
            o.put("from_height", e.fromHeight());
            o.set("validators", e.set().toJson());
        }
        return Jcs.canonicalize(a);
    }

    static SetSchedule decode(byte[] v) {
        if (v == null) return new SetSchedule(List.of());
        JsonNode a = Json.parse(v);
        List<Entry> out = new ArrayList<>();
        for (JsonNode n : a) {
            JsonFields f = JsonFields.of(n, "validator set schedule entry", FIELDS);
            out.add(new Entry(f.uint("from_height"), ActiveSet.fromJson(f.raw("validators"))));
        }
        return new SetSchedule(out);
    }
}
