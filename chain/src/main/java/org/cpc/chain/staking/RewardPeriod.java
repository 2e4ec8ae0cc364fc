package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The end of one F1 reward period of a validator (key space 0x0c, id = operator + "/" + period): {@code ratio} is
 * the rewards one share earned from the validator's creation to the end of this period, in wei ×
 * {@link Staking#RATIO_SCALE}. A delegation that started at period a and is paid at the end of period b earns
 * {@code floor(shares × (ratio_b − ratio_a) / RATIO_SCALE)}. {@code references} counts the delegations that
 * start at this period plus one while it is the validator's latest; at 0 the entry is removed, so the state holds
 * no more periods than delegations.
 */
public record RewardPeriod(BigInteger ratio, long references) {
    static final Set<String> FIELDS = Set.of("ratio", "references");

    public static String id(String operator, long period) {
        return operator + "/" + period;
    }

    public byte[] encode() {
        ObjectNode o = Json.object();
        o.put("ratio", ratio.toString());
        o.put("references", references);
        return Jcs.canonicalize(o);
    }

    public static RewardPeriod decode(byte[] v) {
        if (v == null) return null;
        JsonFields f = JsonFields.of(Json.parse(v), "reward period", FIELDS);
        return new RewardPeriod(ValidatorRecord.big(f, "ratio"), f.uint("references"));
    }
}
