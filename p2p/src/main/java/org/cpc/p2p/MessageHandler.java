package org.cpc.p2p;

/**
 * The node's side of the network: called for every message on {@link Channel#CONSENSUS}, {@link Channel#TX} and
 * {@link Channel#SYNC} from an authenticated peer of the same chain. Called on that peer's reader thread: a handler
 * must not block for long (queue the work elsewhere); messages of one peer arrive in order. A handler that finds a
 * message invalid reports it with {@link PeerNetwork#penalize}.
 */
public interface MessageHandler {
    void onMessage(String peerId, Channel channel, byte[] payload);

    /** A peer finished the handshake (e.g. send it our status so block sync can start). */
    default void onPeerConnected(PeerInfo peer) {}

    /** Called once for each peer {@link #onPeerConnected} announced, after that call returned, and for no other. */
    default void onPeerDisconnected(String peerId) {}
}
