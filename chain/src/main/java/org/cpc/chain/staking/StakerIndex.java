package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * What an account has at stake (key space 0x0f, id = its address), so that WITHDRAW_REWARDS for all and the
 * queries find it without a scan: the operators it delegates to and its unbonding entries (ids), both sorted.
 * Bounded by {@link Staking#MAX_DELEGATIONS_PER_ACCOUNT} and {@link Staking#MAX_UNBONDING_PER_ACCOUNT}.
 */
public record StakerIndex(List<String> validators, List<String> unbonding) {
    static final StakerIndex EMPTY = new StakerIndex(List.of(), List.of());
    static final Set<String> FIELDS = Set.of("validators", "unbonding");

    public StakerIndex {
        validators = List.copyOf(validators.stream().sorted().toList());
        unbonding = List.copyOf(unbonding.stream().sorted().toList());
    }

    boolean isEmpty() {
        return validators.isEmpty() && unbonding.isEmpty();
    }

    StakerIndex with(List<String> validators, List<String> unbonding) {
        return new StakerIndex(validators, unbonding);
    }

    public byte[] encode() {
        ObjectNode o = Json.object();
        ArrayNode v = o.putArray("validators");
        validators.forEach(v::add);
        ArrayNode u = o.putArray("unbonding");
        unbonding.forEach(u::add);
        return Jcs.canonicalize(o);
    }

    public static StakerIndex decode(byte[] v) {
        if (v == null) return EMPTY;
        JsonFields f = JsonFields.of(Json.parse(v), "staker index", FIELDS);
        return new StakerIndex(strings(f.raw("validators")), strings(f.raw("unbonding")));
    }

    static List<String> strings(JsonNode a) {
        if (!a.isArray()) throw new IllegalArgumentException("expected an array of strings");
        java.util.ArrayList<String> out = new java.util.ArrayList<>(a.size());
        for (JsonNode n : a) {
            if (!n.isTextual()) throw new IllegalArgumentException("expected an array of strings");
            out.add(n.textValue());
        }
        return out;
    }
}
