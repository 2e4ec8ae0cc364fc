package org.cpc.chain.staking;

import org.cpc.chain.TestKit;

/** The account keys the staking tests sign with. */
final class StakingKeys {
    /** The genesis validator's operator (its reward address), account 999. */
    static final byte[] OPERATOR_PRIV = TestKit.priv(999);

    private StakingKeys() {}
}
