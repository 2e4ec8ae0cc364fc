package org.cpc.chain.staking;

import java.math.BigInteger;

/**
 * A worker's reputation, in basis points (0..10000): a deterministic integer from its record on chain, which PoC
 * validators read from {@code GET /worker/{address}} to route jobs and size duplicate execution.
 *
 * <pre>
 *   good       = max(0, accepted − 10 × failed_audits)
 *   reputation = floor(10000 × good / (accepted + 10)) &gt;&gt; min(slashes, 14)
 * </pre>
 * A track record builds it up (10 accepted results: 5000; 90: 9000; 990: 9900), each failed audit costs as much as
 * ten accepted results, and each slash halves what is left. A worker with no history has 0.
 */
public final class Reputation {
    /** The accepted results that count as much as the whole prior: reputation is 5000 bps after this many. */
    public static final long PRIOR = 10;
    /** How many accepted results one failed audit cancels. */
    public static final long FAILED_AUDIT_WEIGHT = 10;
    public static final int MAX_BPS = 10_000;

    private Reputation() {}

    public static int bps(long accepted, long failedAudits, long slashes) {
        if (accepted < 0 || failedAudits < 0 || slashes < 0) throw new IllegalArgumentException("negative count");
        long penalty = failedAudits > accepted / FAILED_AUDIT_WEIGHT ? accepted : failedAudits * FAILED_AUDIT_WEIGHT;
        long r = BigInteger.valueOf(MAX_BPS).multiply(BigInteger.valueOf(accepted - penalty))
                .divide(BigInteger.valueOf(accepted).add(BigInteger.valueOf(PRIOR))).longValueExact();
        return (int) (r >> Math.min(slashes, 14));
    }
}
