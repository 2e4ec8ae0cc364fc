package org.cpc.protocol.params;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.JsonFields;

/**
 * The staking part of a network's parameters (docs/protocol.md, "Staking"). Every duration is a number of blocks,
 * never a time, so that every node counts it the same way; every rate is basis points.
 *
 * @param unbondingBlocks blocks an UNSTAKE or UNDELEGATE waits before its coins come back
 * @param maxValidators size of the active set
 * @param minSelfBond least self-bond, in wei, of a validator in the active set
 * @param evidenceMaxAgeBlocks oldest infraction a SUBMIT_EVIDENCE may report, in blocks before the including
 *     block; more than {@code unbondingBlocks}, so nobody escapes a slash by unbonding
 * @param signedBlocksWindow the certificates over which liveness is judged
 * @param minSignedBps least part of the window a validator must sign
 * @param downtimeJailBlocks how long a validator jailed for downtime stays jailed
 * @param slashDoubleSignBps part of the bond burned for a double sign
 * @param slashDowntimeBps part of the bond burned for downtime
 * @param maxCommissionChangeBps largest commission change of one UPDATE_VALIDATOR
 * @param commissionChangeBlocks least blocks between two commission changes of one validator
 */
public record StakingParams(
        long unbondingBlocks,
        int maxValidators,
        BigInteger minSelfBond,
        long evidenceMaxAgeBlocks,
        int signedBlocksWindow,
        int minSignedBps,
        long downtimeJailBlocks,
        int slashDoubleSignBps,
        int slashDowntimeBps,
        int maxCommissionChangeBps,
        long commissionChangeBlocks) {

    /** The largest active set and liveness window a network may ask for; both cost work in every block. */
    public static final int MAX_ACTIVE_SET = 1_000, MAX_SIGNED_BLOCKS_WINDOW = 100_000;

    public static final Set<String> FIELDS = Set.of("unbonding_blocks", "max_validators", "min_self_bond",
            "evidence_max_age_blocks", "signed_blocks_window", "min_signed_bps", "downtime_jail_blocks",
            "slash_double_sign_bps", "slash_downtime_bps", "max_commission_change_bps", "commission_change_blocks");

    public StakingParams {
        require(unbondingBlocks >= 1, "unbonding_blocks must be at least 1");
        require(maxValidators >= 1 && maxValidators <= MAX_ACTIVE_SET, "max_validators must be 1.." + MAX_ACTIVE_SET);
        require(minSelfBond.signum() > 0, "min_self_bond must be more than 0 wei");
        require(evidenceMaxAgeBlocks > unbondingBlocks,
                "evidence_max_age_blocks must be more than unbonding_blocks (else unbonding escapes a slash)");
        require(signedBlocksWindow >= 1 && signedBlocksWindow <= MAX_SIGNED_BLOCKS_WINDOW,
                "signed_blocks_window must be 1.." + MAX_SIGNED_BLOCKS_WINDOW);
        require(bps(minSignedBps), "min_signed_bps must be 0..10000");
        require(downtimeJailBlocks >= 1, "downtime_jail_blocks must be at least 1");
        require(bps(slashDoubleSignBps) && bps(slashDowntimeBps), "slash_*_bps must be 0..10000");
        require(bps(maxCommissionChangeBps), "max_commission_change_bps must be 0..10000");
        require(commissionChangeBlocks >= 1, "commission_change_blocks must be at least 1");
    }

    private static boolean bps(int v) {
        return v >= 0 && v <= 10_000;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("network parameters: " + message);
    }

    /**
     * The most blocks a validator may miss in a full window without being jailed: the window less the least it
     * must sign, {@code ceil(window × min_signed_bps / 10000)}.
     */
    public long maxMissedBlocks() {
        long minSigned = ((long) signedBlocksWindow * minSignedBps + 9_999) / 10_000;
        return signedBlocksWindow - minSigned;
    }

    static StakingParams read(JsonFields f) {
        return new StakingParams(
                f.uint("unbonding_blocks"),
                Math.toIntExact(f.uint("max_validators")),
                f.wei("min_self_bond"),
                f.uint("evidence_max_age_blocks"),
                Math.toIntExact(f.uint("signed_blocks_window")),
                Math.toIntExact(f.uint("min_signed_bps")),
                f.uint("downtime_jail_blocks"),
                Math.toIntExact(f.uint("slash_double_sign_bps")),
                Math.toIntExact(f.uint("slash_downtime_bps")),
                Math.toIntExact(f.uint("max_commission_change_bps")),
                f.uint("commission_change_blocks"));
    }
}
