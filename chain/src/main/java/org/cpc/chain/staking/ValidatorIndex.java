package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * Every validator with its power and whether it may be in the active set (key space 0x11, id "validator_index"),
 * sorted by operator address: the next set is chosen from it without reading each validator. Kept in step by
 * {@link StakingState#putValidator}. Its size is the number of validators, each of which bonded at least
 * {@code min_self_bond}.
 */
public record ValidatorIndex(TreeMap<String, Entry> entries) {
    /** @param eligible not jailed, not tombstoned, self-bond ≥ min_self_bond and power ≥ 1 */
    public record Entry(String operatorAddress, String consensusAddress, long power, boolean eligible) {}

    static final Set<String> FIELDS = Set.of("operator_address", "consensus_address", "power", "eligible");

    List<ActiveSet.Member> candidates() {
        List<ActiveSet.Member> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.eligible()) out.add(new ActiveSet.Member(e.operatorAddress(), e.consensusAddress(), e.power()));
        }
        return out;
    }

    byte[] encode() {
        ArrayNode a = Json.NODES.arrayNode();
        for (Entry e : entries.values()) {
            ObjectNode o = a.addObject();
            o.put("operator_address", e.operatorAddress());
            o.put("consensus_address", e.consensusAddress());
            o.put("power", e.power());
            o.put("eligible", e.eligible());
        }
        return Jcs.canonicalize(a);
    }

    static ValidatorIndex decode(byte[] v) {
        TreeMap<String, Entry> m = new TreeMap<>();
        if (v == null) return new ValidatorIndex(m);
        for (JsonNode n : Json.parse(v)) {
            JsonFields f = JsonFields.of(n, "validator index entry", FIELDS);
            m.put(f.string("operator_address"), new Entry(f.string("operator_address"), f.string("consensus_address"),
                    f.uint("power"), ValidatorRecord.bool(f, "eligible")));
        }
        return new ValidatorIndex(m);
    }
}
