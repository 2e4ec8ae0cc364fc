package org.cpc.protocol.params;

import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.JsonFields;

/**
 * The work-bond part of a network's parameters (docs/protocol.md, "Work bonds"): what workers and PoC validators
 * put at stake behind the results they put on chain, and the windows in which those results can be disputed. Every
 * duration is a number of blocks. In JSON the fields sit beside the others in the one flat {@code /params} object.
 *
 * @param bondUnbondingBlocks blocks an UNBOND waits before its coins come back; longer than both windows, so that
 *     nobody withdraws a bond while a result it backs can still be disputed (apart from staking's
 *     {@code unbonding_blocks})
 * @param minWorkerBond least bond, in wei, of a worker whose synthetic results are admitted (0: no bond needed)
 * @param minPocBond least bond, in wei, of a PoC validator whose market results (or attestations) are accepted
 * @param challengeWindow blocks after a synthetic result's inclusion in which it may be challenged
 * @param disputeWindow blocks after a market task's completion in which a fraud proof may dispute one of its jobs
 * @param fraudSlashBps part (basis points) of the PoC validator's and of the worker's bond, unbonding entries
 *     included, that a FRAUD_PROOF proving their job wrong takes
 * @param fraudBountyBps part of each of those slashes, after the customer's refund, paid to the proof's sender
 * @param auditRateBps the chance, in basis points, that a synthetic result is selected for a full random audit
 * @param slashResultBps the part, in basis points, of a worker's bond (its unbonding entries included) that a
 *     synthetic result found wrong by an audit costs, besides the result's reward
 * @param challengeBountyBps the part, in basis points, of that slash paid to the challenger who forced the audit
 */
public record BondParams(long bondUnbondingBlocks, BigInteger minWorkerBond, BigInteger minPocBond,
                         long challengeWindow, long disputeWindow, int fraudSlashBps, int fraudBountyBps,
                         int auditRateBps, int slashResultBps, int challengeBountyBps) {

    public static final Set<String> FIELDS = Set.of("bond_unbonding_blocks", "min_worker_bond", "min_poc_bond",
            "challenge_window", "dispute_window", "fraud_slash_bps", "fraud_bounty_bps", "audit_rate_bps",
            "slash_result_bps", "challenge_bounty_bps");

    public BondParams {
        require(challengeWindow >= 1, "challenge_window must be at least 1");
        require(disputeWindow >= 1, "dispute_window must be at least 1");
        require(bondUnbondingBlocks > challengeWindow && bondUnbondingBlocks > disputeWindow,
                "bond_unbonding_blocks (" + bondUnbondingBlocks + ") must be more than challenge_window ("
                        + challengeWindow + ") and dispute_window (" + disputeWindow + "), else a bond could be"
                        + " withdrawn before the results it backs can no longer be disputed");
        require(minWorkerBond.signum() >= 0, "min_worker_bond must not be negative");
        require(minPocBond.signum() > 0, "min_poc_bond must be more than 0 wei");
        require(fraudSlashBps >= 1 && fraudSlashBps <= 10_000, "fraud_slash_bps must be 1..10000");
        requireBps(fraudBountyBps, "fraud_bounty_bps");
        requireBps(auditRateBps, "audit_rate_bps");
        requireBps(slashResultBps, "slash_result_bps");
        requireBps(challengeBountyBps, "challenge_bounty_bps");
    }

    private static void requireBps(int bps, String name) {
        require(bps >= 0 && bps <= 10_000, name + " must be 0..10000 basis points, not " + bps);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("network parameters: " + message);
    }

    /** The same parameters with another least worker bond (tests that are not about bonds use 0). */
    public BondParams withMinWorkerBond(BigInteger wei) {
        return new BondParams(bondUnbondingBlocks, wei, minPocBond, challengeWindow, disputeWindow, fraudSlashBps,
                fraudBountyBps, auditRateBps, slashResultBps, challengeBountyBps);
    }

    /** The same parameters with other audit rates (tests choose a certain or an impossible selection). */
    public BondParams withAudits(int auditRate, int slashResult, int challengeBounty) {
        return new BondParams(bondUnbondingBlocks, minWorkerBond, minPocBond, challengeWindow, disputeWindow,
                fraudSlashBps, fraudBountyBps, auditRate, slashResult, challengeBounty);
    }

    static BondParams read(JsonFields f) {
        return new BondParams(f.uint("bond_unbonding_blocks"), f.wei("min_worker_bond"), f.wei("min_poc_bond"),
                f.uint("challenge_window"), f.uint("dispute_window"), Math.toIntExact(f.uint("fraud_slash_bps")),
                Math.toIntExact(f.uint("fraud_bounty_bps")), Math.toIntExact(f.uint("audit_rate_bps")),
                Math.toIntExact(f.uint("slash_result_bps")), Math.toIntExact(f.uint("challenge_bounty_bps")));
    }
}
