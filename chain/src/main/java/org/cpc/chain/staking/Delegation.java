package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * A delegation (key space 0x0b, id = operator + "/" + delegator); the operator's own is its self-bond.
 *
 * @param shares the validator's shares it owns
 * @param startPeriod the reward period whose end its unpaid rewards are counted from (F1)
 */
public record Delegation(BigInteger shares, long startPeriod) {
    static final Set<String> FIELDS = Set.of("shares", "start_period");

    public static String id(String operator, String delegator) {
        return operator + "/" + delegator;
    }

    public byte[] encode() {
        ObjectNode o = Json.object();
        o.put("shares", shares.toString());
        o.put("start_period", startPeriod);
        return Jcs.canonicalize(o);
    }

    public static Delegation decode(byte[] v) {
        if (v == null) return null;
        JsonFields f = JsonFields.of(Json.parse(v), "delegation", FIELDS);
        return new Delegation(ValidatorRecord.big(f, "shares"), f.uint("start_period"));
    }
}
