package org.cpc.consensus;

/** The two voting steps of a round. Their names in sign bytes and JSON are {@code prevote} and {@code precommit}. */
public enum VoteType {
    PREVOTE("prevote"),
    PRECOMMIT("precommit");

    private final String wire;

    VoteType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
