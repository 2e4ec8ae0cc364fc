package org.cpc.consensus;

import org.cpc.protocol.codec.WireName;

/** The two voting steps of a round. Their names in sign bytes and JSON are {@code prevote} and {@code precommit}. */
public enum VoteType implements WireName {
    PREVOTE("prevote"),
    PRECOMMIT("precommit");

    private final String wire;

    VoteType(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
