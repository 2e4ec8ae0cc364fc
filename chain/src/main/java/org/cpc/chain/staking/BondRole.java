package org.cpc.chain.staking;

import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.codec.WireName;

/** Who a work bond backs: a worker's synthetic results, or a PoC validator's market results and attestations. */
public enum BondRole implements WireName {
    WORKER,
    POC_VALIDATOR;

    public static BondRole parse(String s) throws TxRejected {
        BondRole r = WireName.find(BondRole.class, s);
        if (r == null) throw new TxRejected("role '" + s + "' is not a bond role; it is \"worker\" or \"poc_validator\"");
        return r;
    }
}
