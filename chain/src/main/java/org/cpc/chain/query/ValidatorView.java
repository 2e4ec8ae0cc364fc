package org.cpc.chain.query;

import java.math.BigInteger;

/**
 * A staking validator as a reader sees it.
 *
 * @param tokens its whole bond (self-bond and delegations), wei
 * @param power the bond in whole CPC
 * @param selfBond what its operator's own delegation is worth, wei
 * @param status {@code active} (in the set of the next block), {@code inactive}, {@code jailed} or {@code tombstoned}
 * @param jailedUntil the height from which UNJAIL may free it (0 when not jailed)
 * @param outstandingRewards wei it holds for its delegators' unpaid rewards
 */
public record ValidatorView(String operatorAddress, String consensusAddress, String name, String website,
                            int commissionBps, BigInteger tokens, long power, BigInteger selfBond, String status,
                            long jailedUntil, BigInteger outstandingRewards) {}
