package org.cpc.node.net;

import java.util.List;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.PeerNetwork;

/**
 * The network of a node whose {@code node.json} has no {@code p2p_listen}: no peers, so a lone validator with all
 * the power still commits blocks, and everything that would send just has no one to send to.
 */
public enum NoNetwork implements PeerNetwork {
    INSTANCE;

    @Override
    public void start() {}

    /** -1: nothing listens. */
    @Override
    public int listenPort() {
        return -1;
    }

    /** Null: a node without P2P has no node key. */
    @Override
    public String nodeId() {
        return null;
    }

    @Override
    public void broadcast(Channel channel, byte[] payload) {}

    @Override
    public void broadcastExcept(String exceptPeerId, Channel channel, byte[] payload) {}

    @Override
    public boolean send(String peerId, Channel channel, byte[] payload) {
        return false;
    }

    @Override
    public void penalize(String peerId, Misbehaviour m, String reason) {}

    @Override
    public List<PeerInfo> peers() {
        return List.of();
    }

    @Override
    public void close() {}
}
