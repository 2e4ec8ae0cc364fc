package org.cpc.p2p;

/**
 * Why a peer is penalized, and by how much. A peer's score starts at 0; at {@link P2pConfig#banScore()} it is
 * disconnected and banned for {@link P2pConfig#banMs()}. Points decay over time so an honest peer that once relayed
 * a stale or now-invalid message is not banned for it.
 */
public enum Misbehaviour {
    /** Well-formed but useless: a stale vote, a transaction the mempool already had or now refuses. */
    USELESS(1),
    /** Over the per-peer rate budget of a channel. */
    RATE_EXCEEDED(10),
    /** Cannot be parsed, or violates the message schema. */
    MALFORMED(25),
    /** Parses but is provably wrong: a bad signature, a block or certificate that does not verify. */
    INVALID(50),
    /** Breaks the wire protocol (oversized frame, unknown channel, bad handshake): disconnect and ban at once. */
    PROTOCOL_VIOLATION(100);

    private final int points;

    Misbehaviour(int points) {
        this.points = points;
    }

    public int points() {
        return points;
    }
}
