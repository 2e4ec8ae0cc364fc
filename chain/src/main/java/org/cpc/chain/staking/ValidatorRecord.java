package org.cpc.chain.staking;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.chain.state.JsonStateValue;
import org.cpc.protocol.codec.JsonFields;

/**
 * A staking validator (key space 0x09, id = operator address). Its bond is {@code tokens} wei owned by
 * {@code shares} delegation shares: a delegation of s shares is worth {@code s × tokens / shares} wei, so a slash
 * (fewer tokens, same shares) costs every delegator the same part. Rewards are counted per share (F1, see
 * {@link RewardPeriod}): {@code period} is the current reward period, {@code periodRewards} what its delegators
 * earned since it began, in wei × {@link Staking#RATIO_SCALE} (the remainder of the last period's division included),
 * {@code outstanding} the wei held for the delegators' unpaid rewards (dust included).
 *
 * @param commissionChangedHeight height of the last commission change (creation counts as one)
 * @param jailedUntil height from which an UNJAIL may free a jailed validator
 * @param nextUnbondingSeq sequence number of the validator's next unbonding entry
 */
public record ValidatorRecord(String operatorAddress, String consensusAddress, String name, String website,
                              int commissionBps, long commissionChangedHeight, BigInteger tokens, BigInteger shares,
                              boolean jailed, long jailedUntil, boolean tombstoned, long period,
                              BigInteger periodRewards, BigInteger outstanding, long nextUnbondingSeq,
                              long createdHeight) implements JsonStateValue {
    static final Set<String> FIELDS = Set.of("operator_address", "consensus_address", "name", "website",
            "commission_bps", "commission_changed_height", "tokens", "shares", "jailed", "jailed_until", "tombstoned",
            "period", "period_rewards", "outstanding", "next_unbonding_seq", "created_height");

    /** The voting power: the bond in whole CPC. */
    public long power() {
        return tokens.divide(org.cpc.protocol.types.Amounts.WEI_PER_CPC).longValueExact();
    }

    /** What {@code s} of this validator's shares are worth in wei, rounded down. */
    public BigInteger valueOf(BigInteger s) {
        return shares.signum() == 0 ? BigInteger.ZERO : s.multiply(tokens).divide(shares);
    }

    public ValidatorRecord withBond(BigInteger tokens, BigInteger shares) {
        return new ValidatorRecord(operatorAddress, consensusAddress, name, website, commissionBps,
                commissionChangedHeight, tokens, shares, jailed, jailedUntil, tombstoned, period, periodRewards,
                outstanding, nextUnbondingSeq, createdHeight);
    }

    public ValidatorRecord withRewards(long period, BigInteger periodRewards, BigInteger outstanding) {
        return new ValidatorRecord(operatorAddress, consensusAddress, name, website, commissionBps,
                commissionChangedHeight, tokens, shares, jailed, jailedUntil, tombstoned, period, periodRewards,
                outstanding, nextUnbondingSeq, createdHeight);
    }

    public ValidatorRecord withJail(boolean jailed, long jailedUntil, boolean tombstoned) {
        return new ValidatorRecord(operatorAddress, consensusAddress, name, website, commissionBps,
                commissionChangedHeight, tokens, shares, jailed, jailedUntil, tombstoned, period, periodRewards,
                outstanding, nextUnbondingSeq, createdHeight);
    }

    public ValidatorRecord withDescription(String name, String website, int commissionBps, long commissionChangedHeight) {
        return new ValidatorRecord(operatorAddress, consensusAddress, name, website, commissionBps,
                commissionChangedHeight, tokens, shares, jailed, jailedUntil, tombstoned, period, periodRewards,
                outstanding, nextUnbondingSeq, createdHeight);
    }

    public ValidatorRecord withNextUnbondingSeq(long seq) {
        return new ValidatorRecord(operatorAddress, consensusAddress, name, website, commissionBps,
                commissionChangedHeight, tokens, shares, jailed, jailedUntil, tombstoned, period, periodRewards,
                outstanding, seq, createdHeight);
    }

    public static ValidatorRecord decode(byte[] v) {
        return JsonStateValue.decode(v, "validator", FIELDS, f -> new ValidatorRecord(f.string("operator_address"),
                f.string("consensus_address"), f.string("name"), f.string("website"),
                Math.toIntExact(f.uint("commission_bps")), f.uint("commission_changed_height"), big(f, "tokens"),
                big(f, "shares"), bool(f, "jailed"), f.uint("jailed_until"), bool(f, "tombstoned"), f.uint("period"),
                big(f, "period_rewards"), big(f, "outstanding"), f.uint("next_unbonding_seq"),
                f.uint("created_height")));
    }

    /** A non-negative integer written as a decimal string (shares and scaled rewards may exceed 2^256 − 1). */
    static BigInteger big(JsonFields f, String field) {
        String s = f.string(field);
        if (!s.matches("0|[1-9][0-9]{0,150}")) throw new IllegalArgumentException(field + " is not a decimal integer");
        return new BigInteger(s);
    }

    static boolean bool(JsonFields f, String field) {
        var n = f.raw(field);
        if (!n.isBoolean()) throw new IllegalArgumentException(field + " must be true or false");
        return n.booleanValue();
    }
}
