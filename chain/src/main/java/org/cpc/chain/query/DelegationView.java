package org.cpc.chain.query;

import java.math.BigInteger;

/**
 * One bond of an account with a validator (its self-bond when {@code delegator} is the operator).
 *
 * @param amount what its shares are worth now, wei
 * @param pendingRewards what WITHDRAW_REWARDS would pay now, wei
 */
public record DelegationView(String delegator, String validator, BigInteger shares, BigInteger amount,
                             BigInteger pendingRewards) {}
