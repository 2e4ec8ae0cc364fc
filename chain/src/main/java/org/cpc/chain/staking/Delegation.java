package org.cpc.chain.staking;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;

/**
 * A delegation (key space 0x0b, id = operator + "/" + delegator); the operator's own is its self-bond.
 *
 * @param shares the validator's shares it owns
 * @param startPeriod the reward period whose end its unpaid rewards are counted from (F1)
 */
public record Delegation(BigInteger shares, long startPeriod) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("shares", "start_period");

    public static Delegation decode(byte[] v) {
        return JsonStateValue.decode(v, "delegation", FIELDS, f -> new Delegation(ValidatorRecord.big(f, "shares"),
                f.uint("start_period")));
    }
}
