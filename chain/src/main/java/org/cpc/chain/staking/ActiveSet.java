package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * The validators that sign and earn at some height, in set order: power descending, then operator address
 * ascending (so ties break the same way on every node). Power is the bond in whole CPC when the set was chosen.
 */
public record ActiveSet(List<Member> members) {
    /** One validator of the set. */
    public record Member(String operatorAddress, String consensusAddress, long power) {}

    static final Comparator<Member> ORDER = Comparator.comparingLong(Member::power).reversed()
            .thenComparing(Member::operatorAddress);
    private static final Set<String> MEMBER_FIELDS = Set.of("operator_address", "consensus_address", "power");

    public ActiveSet {
        members = List.copyOf(members);
    }

    /** The top {@code max} of {@code candidates} in set order. */
    static ActiveSet choose(List<Member> candidates, int max) {
        List<Member> sorted = new ArrayList<>(candidates);
        sorted.sort(ORDER);
        return new ActiveSet(sorted.subList(0, Math.min(max, sorted.size())));
    }

    public long totalPower() {
        long t = 0;
        for (Member m : members) t = Math.addExact(t, m.power());
        return t;
    }

    public Member byConsensusAddress(String address) {
        for (Member m : members) if (m.consensusAddress().equals(address)) return m;
        return null;
    }

    public boolean contains(String operator) {
        for (Member m : members) if (m.operatorAddress().equals(operator)) return true;
        return false;
    }

    ArrayNode toJson() {
        return RecordJson.of(Member.class).writeAll(members);
    }

    static ActiveSet fromJson(JsonNode a) {
        if (!a.isArray()) throw new IllegalArgumentException("validator set must be an array");
        List<Member> out = new ArrayList<>(a.size());
        for (JsonNode n : a) {
            JsonFields f = JsonFields.of(n, "validator set member", MEMBER_FIELDS);
            out.add(new Member(f.string("operator_address"), f.string("consensus_address"), f.uint("power")));
        }
        return new ActiveSet(out);
    }
}
