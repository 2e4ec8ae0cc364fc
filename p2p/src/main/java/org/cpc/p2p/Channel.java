package org.cpc.p2p;

/**
 * What a frame carries. The byte is on the wire (frame header); an unknown byte is a protocol violation. Each channel
 * has its own size limit and rate budget ({@link P2pConfig}), so a flood of transactions cannot starve consensus.
 */
public enum Channel {
    /** Consensus messages: proposals, votes, decisions (JSON of {@code org.cpc.consensus.MessageCodec}). */
    CONSENSUS(1),
    /** Transactions being gossiped to mempools (a transaction's canonical JSON). */
    TX(2),
    /** Block sync: status, ranges of blocks with commit certificates. */
    SYNC(3),
    /** Peer exchange; handled inside the p2p module, never given to the node's handler. */
    PEX(4),
    /** State sync: snapshot lists and chunks, light blocks (header, commit, validator set). */
    SNAPSHOT(5);

    private final int wire;

    Channel(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** The channel of a frame header byte; null for an unknown one (the caller disconnects the peer). */
    public static Channel ofWire(int b) {
        for (Channel c : values()) if (c.wire == b) return c;
        return null;
    }
}
