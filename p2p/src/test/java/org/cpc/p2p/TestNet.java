package org.cpc.p2p;

import static org.assertj.core.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Builds configs and nodes for tests: loopback, port 0, short intervals. */
final class TestNet {
    static final String CHAIN = "cpc-test";
    static final String GENESIS = "ab".repeat(32);

    private TestNet() {}

    /** A mutable copy of {@link P2pConfig} for tests to tweak before {@link #build}. */
    static final class Cfg {
        String chainId = CHAIN;
        String genesisHash = GENESIS;
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
        List<InetSocketAddress> staticPeers = new ArrayList<>();
        String moniker = "test";
        int maxInbound = 10;
        int maxOutbound = 10;
        int maxFrameBytes = 64 * 1024;
        int sendQueueFrames = 1024;
        int maxMessagesPerSecond = 5000;
        long handshakeTimeoutMs = 3000;
        long pingIntervalMs = 1000;
        int banScore = 100;
        long banMs = 60_000;
        long pexIntervalMs = 300;
        P2pConfig.InboundLimits inbound = P2pConfig.InboundLimits.DEFAULTS;

        Cfg staticPeer(int port) {
            staticPeers.add(new InetSocketAddress("127.0.0.1", port));
            return this;
        }

        P2pConfig build() {
            return new P2pConfig(chainId, genesisHash, listen, null, staticPeers, moniker, maxInbound, maxOutbound,
                    maxFrameBytes, sendQueueFrames, maxMessagesPerSecond, handshakeTimeoutMs, pingIntervalMs, banScore,
                    banMs, pexIntervalMs, inbound);
        }
    }

    static Cfg cfg() {
        return new Cfg();
    }

    /** A started node that records what it receives. */
    static final class Node implements AutoCloseable {
        final NodeIdentity identity;
        final TcpPeerNetwork net;
        final List<Received> received = new CopyOnWriteArrayList<>();
        final List<String> connected = new CopyOnWriteArrayList<>();
        final List<String> disconnected = new CopyOnWriteArrayList<>();

        record Received(String peerId, Channel channel, byte[] payload) {}

        Node(Cfg cfg, NodeIdentity identity) {
            this.identity = identity;
            this.net = new TcpPeerNetwork(cfg.build(), identity, new MessageHandler() {
                @Override
                public void onMessage(String peerId, Channel channel, byte[] payload) {
                    received.add(new Received(peerId, channel, payload));
                }

                @Override
                public void onPeerConnected(PeerInfo peer) {
                    connected.add(peer.id());
                }

                @Override
                public void onPeerDisconnected(String peerId) {
                    disconnected.add(peerId);
                }
            });
            net.start();
        }

        String id() {
            return identity.nodeId();
        }

        int port() {
            return net.listenPort();
        }

        boolean connectedTo(Node other) {
            return hasPeer(other.id());
        }

        boolean hasPeer(String peerId) {
            return net.peers().stream().anyMatch(p -> p.id().equals(peerId));
        }

        @Override
        public void close() {
            net.close();
        }
    }

    static Node node(Cfg cfg) {
        return new Node(cfg, NodeIdentity.generate());
    }

    /** A port that was free a moment ago, for a node that starts later. */
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, 10_000, condition);
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** Holds for the whole period (for "stays disconnected" checks). */
    static void holds(String what, long ms, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!condition.getAsBoolean()) fail("stopped holding: " + what);
            Thread.sleep(20);
        }
    }
}
