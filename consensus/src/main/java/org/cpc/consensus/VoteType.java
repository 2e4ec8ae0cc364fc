package org.cpc.consensus;

import org.cpc.protocol.codec.WireName;

/** The two voting steps of a round. Their names in sign bytes and JSON are {@code prevote} and {@code precommit}. */
public enum VoteType implements WireName {
    PREVOTE,
    PRECOMMIT;
}
