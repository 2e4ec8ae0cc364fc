package org.cpc.chain.staking;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;

/**
 * The end of one F1 reward period of a validator (key space 0x0c, id = operator + "/" + period): {@code ratio} is
 * the rewards one share earned from the validator's creation to the end of this period, in wei ×
 * {@link Staking#RATIO_SCALE}. A delegation that started at period a and is paid at the end of period b earns
 * {@code floor(shares × (ratio_b − ratio_a) / RATIO_SCALE)}. {@code references} counts the delegations that
 * start at this period plus one while it is the validator's latest; at 0 the entry is removed, so the state holds
 * no more periods than delegations.
 */
public record RewardPeriod(BigInteger ratio, long references) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("ratio", "references");

    public static RewardPeriod decode(byte[] v) {
        return JsonStateValue.decode(v, "reward period", FIELDS, f -> new RewardPeriod(ValidatorRecord.big(f, "ratio"),
                f.uint("references")));
    }
}
