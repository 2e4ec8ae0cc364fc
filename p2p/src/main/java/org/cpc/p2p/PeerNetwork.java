package org.cpc.p2p;

import java.util.List;

/**
 * The node's view of the P2P network. Thread-safe; sends never block the caller for long (each peer has a bounded
 * send queue; a peer whose queue is full is too slow and is disconnected rather than letting it back-pressure
 * consensus).
 */
public interface PeerNetwork extends AutoCloseable {
    /** Binds the listen socket, dials static peers, starts peer exchange. */
    void start();

    /** The bound listen port (useful when configured as 0). */
    int listenPort();

    /** This node's id (see {@link PeerInfo#id}). */
    String nodeId();

    /** Sends to every connected peer. */
    void broadcast(Channel channel, byte[] payload);

    /** Sends to every connected peer but {@code exceptPeerId} (relaying what that peer sent us). */
    void broadcastExcept(String exceptPeerId, Channel channel, byte[] payload);

    /** Sends to one peer; false if it is not connected (or its queue is full). */
    boolean send(String peerId, Channel channel, byte[] payload);

    /** Records misbehaviour; the peer is disconnected and banned once its score reaches the ban score. */
    void penalize(String peerId, Misbehaviour m, String reason);

    /** The connected peers the handler has been told of (onPeerConnected returned), in a stable order (by id). */
    List<PeerInfo> peers();

    /** Closes every connection and the listen socket; idempotent. */
    @Override
    void close();
}
