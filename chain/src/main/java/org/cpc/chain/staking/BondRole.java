package org.cpc.chain.staking;

import org.cpc.chain.exec.TxRejected;

/** Who a work bond backs: a worker's synthetic results, or a PoC validator's market results and attestations. */
public enum BondRole {
    WORKER("worker"),
    POC_VALIDATOR("poc_validator");

    private final String wire;

    BondRole(String wire) {
        this.wire = wire;
    }

    /** The name in payloads, state and JSON. */
    public String wire() {
        return wire;
    }

    public static BondRole parse(String s) throws TxRejected {
        for (BondRole r : values()) if (r.wire.equals(s)) return r;
        throw new TxRejected("role '" + s + "' is not a bond role; it is \"worker\" or \"poc_validator\"");
    }
}
