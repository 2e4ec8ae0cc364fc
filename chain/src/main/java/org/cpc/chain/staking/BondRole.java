package org.cpc.chain.staking;

import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.codec.WireName;

/** Who a work bond backs: a worker's synthetic results, or a PoC validator's market results and attestations. */
public enum BondRole implements WireName {
    WORKER("worker"),
    POC_VALIDATOR("poc_validator");

    private final String wire;

    BondRole(String wire) {
        this.wire = wire;
    }

    /** The name in payloads, state and JSON. */
    @Override
    public String wire() {
        return wire;
    }

    public static BondRole parse(String s) throws TxRejected {
        BondRole r = WireName.find(BondRole.class, s);
        if (r == null) throw new TxRejected("role '" + s + "' is not a bond role; it is \"worker\" or \"poc_validator\"");
        return r;
    }
}
