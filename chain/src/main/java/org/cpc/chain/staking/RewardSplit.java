package org.cpc.chain.staking;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * How the validators' part of a block is divided among the active set. Pure and exact: the parts sum to the
 * whole, to the wei.
 *
 * <ol>
 *   <li>The proposer's bonus: {@code floor(total × PROPOSER_BONUS_BPS / 10000)}, when the proposer is in the set.</li>
 *   <li>The rest by power: member i gets {@code floor(rest × power_i / total_power)}.</li>
 *   <li>What the floors left over goes to the proposer, or to the first member (the most power) when the proposer is
 *       not in the set.</li>
 * </ol>
 */
public final class RewardSplit {
    /**
     * The proposer's bonus, 5% (basis points): enough that including transactions and proposing on time pays more
     * than idling, small enough that power, not luck in the proposer schedule, decides what a validator earns.
     */
    public static final int PROPOSER_BONUS_BPS = 500;
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private RewardSplit() {}

    /** One member's part. */
    public record Part(ActiveSet.Member member, BigInteger wei) {}

    /** The parts of {@code total} wei in set order; empty for an empty set. */
    public static List<Part> split(ActiveSet set, String proposerConsensusAddress, BigInteger total) {
        if (set.members().isEmpty()) return List.of();
        ActiveSet.Member proposer = set.byConsensusAddress(proposerConsensusAddress);
        BigInteger bonus = proposer == null ? BigInteger.ZERO
                : total.multiply(BigInteger.valueOf(PROPOSER_BONUS_BPS)).divide(BPS);
        BigInteger rest = total.subtract(bonus);
        BigInteger power = BigInteger.valueOf(set.totalPower());
        ActiveSet.Member remainderTo = proposer != null ? proposer : set.members().getFirst();
        List<BigInteger> parts = new ArrayList<>(set.members().size());
        BigInteger given = BigInteger.ZERO;
        for (ActiveSet.Member m : set.members()) {
            BigInteger p = rest.multiply(BigInteger.valueOf(m.power())).divide(power);
            parts.add(p);
            given = given.add(p);
        }
        BigInteger extra = bonus.add(rest.subtract(given));
        List<Part> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            ActiveSet.Member m = set.members().get(i);
            out.add(new Part(m, m.equals(remainderTo) ? parts.get(i).add(extra) : parts.get(i)));
        }
        return out;
    }

    /** The commission of a validator's part: {@code floor(part × commission_bps / 10000)}; the rest is its delegators'. */
    public static BigInteger commission(BigInteger part, int commissionBps) {
        return part.multiply(BigInteger.valueOf(commissionBps)).divide(BPS);
    }
}
