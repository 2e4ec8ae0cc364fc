package org.cpc.chain.staking;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;

/**
 * Coins on their way back from a validator (key space 0x0d, id = operator + "/" + seq). {@code balance} is what
 * the delegator gets back at {@code maturesHeight}; until then a slash of the validator for an infraction at a
 * height ≤ {@code createdHeight} (committed while these coins were still bonded) lowers it.
 *
 * @param seq the validator's sequence number of this entry: a validator's entries mature in seq order
 */
public record UnbondingEntry(String validator, long seq, String delegator, BigInteger balance, long createdHeight,
                             long maturesHeight) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("validator", "seq", "delegator", "balance", "created_height",
            "matures_height");

    public static String id(String operator, long seq) {
        return StakingState.perValidator(operator, seq);
    }

    public String id() {
        return id(validator, seq);
    }

    public UnbondingEntry withBalance(BigInteger b) {
        return new UnbondingEntry(validator, seq, delegator, b, createdHeight, maturesHeight);
    }

    public static UnbondingEntry decode(byte[] v) {
        return JsonStateValue.decode(v, "unbonding entry", FIELDS, f -> new UnbondingEntry(f.string("validator"),
                f.uint("seq"), f.string("delegator"), f.wei("balance"), f.uint("created_height"),
                f.uint("matures_height")));
    }
}
