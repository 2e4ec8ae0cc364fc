package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.p2p.TestNet.await;
import static org.cpc.p2p.TestNet.cfg;
import static org.cpc.p2p.TestNet.holds;
import static org.cpc.p2p.TestNet.node;

import java.net.InetSocketAddress;
import org.cpc.p2p.TestNet.Node;
import org.junit.jupiter.api.Test;

/** Static peers, peer exchange and connection limits, with real nodes on loopback. */
class PeerManagementTest {

    @Test
    void aStaticPeerThatStartsLateOrRestartsIsRedialled() throws Exception {
        int port = TestNet.freePort();
        NodeIdentity bId = NodeIdentity.generate();
        TestNet.Cfg bCfg = cfg();
        bCfg.listen = new InetSocketAddress("127.0.0.1", port);
        try (Node a = node(cfg().staticPeer(port))) {
            Thread.sleep(600); // a fails a few dials first
            try (Node b = new Node(bCfg, bId)) {
                await("connected once b is up", () -> a.connectedTo(b));
            }
            await("a saw b go", () -> a.net.peers().isEmpty() && a.disconnected.contains(bId.nodeId()));
            try (Node b2 = new Node(bCfg, bId)) {
                await("re-dialled after the restart", () -> a.connectedTo(b2));
                assertThat(a.connected).containsExactly(bId.nodeId(), bId.nodeId());
                assertThat(a.disconnected).containsExactly(bId.nodeId());
            }
        }
    }

    @Test
    void peerExchangeLeadsToAPeerOfAPeer() {
        try (Node b = node(cfg())) {
            TestNet.Cfg cCfg = cfg().staticPeer(b.port());
            cCfg.maxOutbound = 1; // c's one outbound slot goes to b, so an a-c link must be a's dial
            try (Node c = node(cCfg)) {
                await("c-b", () -> b.connectedTo(c));
                try (Node a = node(cfg().staticPeer(b.port()))) {
                    await("a learnt c from b and dialled it", () -> a.connectedTo(c) && c.connectedTo(a));
                    assertThat(a.net.peers()).extracting(PeerInfo::id).containsExactly(
                            java.util.stream.Stream.of(b.id(), c.id()).sorted().toArray(String[]::new));
                    assertThat(a.net.peers()).allMatch(PeerInfo::outbound);
                }
            }
        }
    }

    @Test
    void maxOutboundCapsDialsOfLearntAddresses() throws Exception {
        try (Node hub = node(cfg()); Node x = node(cfg().staticPeer(hub.port()));
                Node y = node(cfg().staticPeer(hub.port()))) {
            await("x and y on hub", () -> hub.net.peers().size() == 2);
            TestNet.Cfg aCfg = cfg().staticPeer(hub.port());
            aCfg.maxOutbound = 2;
            try (Node a = node(aCfg)) {
                // x and y learn a's address too and may dial it: only a's own dials count.
                await("a dialled one learnt address", () -> outbound(a) == 2);
                holds("no third outbound", 1000, () -> outbound(a) == 2);
            }
        }
    }

    private static long outbound(Node n) {
        return n.net.peers().stream().filter(PeerInfo::outbound).count();
    }

    @Test
    void maxInboundIsRespected() throws Exception {
        TestNet.Cfg bCfg = cfg();
        bCfg.maxInbound = 1;
        try (LogCapture logs = new LogCapture(); Node b = node(bCfg); Node a = node(cfg().staticPeer(b.port()))) {
            await("a in", () -> b.connectedTo(a));
            try (Node c = node(cfg().staticPeer(b.port()))) {
                await("c refused", () -> logs.logged(b.id(), "too many inbound connections (max_inbound 1)"));
                await("c told why", () -> logs.logged(c.id(), "refused by peer: too many inbound"));
                holds("still one", 500, () -> b.net.peers().size() == 1 && b.connectedTo(a) && !b.connectedTo(c));
            }
        }
    }

    @Test
    void twoNodesDiallingEachOtherKeepOneConnectionDialledByTheLowerId() throws Exception {
        int pa = TestNet.freePort();
        int pb = TestNet.freePort();
        TestNet.Cfg aCfg = cfg().staticPeer(pb);
        aCfg.listen = new InetSocketAddress("127.0.0.1", pa);
        TestNet.Cfg bCfg = cfg().staticPeer(pa);
        bCfg.listen = new InetSocketAddress("127.0.0.1", pb);
        try (Node a = node(aCfg); Node b = node(bCfg)) {
            await("connected", () -> a.connectedTo(b) && b.connectedTo(a));
            Node lower = a.id().compareTo(b.id()) < 0 ? a : b;
            Node higher = lower == a ? b : a;
            await("settled on the lower id's dial", () -> lower.net.peers().size() == 1
                    && lower.net.peers().getFirst().outbound() && higher.net.peers().size() == 1
                    && !higher.net.peers().getFirst().outbound());
            holds("stays one connection", 1500, () -> a.net.peers().size() == 1 && b.net.peers().size() == 1
                    && lower.net.peers().getFirst().outbound());
        }
    }

    @Test
    void aPeerThatNeverReadsIsDisconnectedWithoutBlockingBroadcast() throws Exception {
        TestNet.Cfg bCfg = cfg();
        bCfg.sendQueueFrames = 8;
        // The slow peer sends nothing, not even pings: b must drop it for its full queue, not for its silence, which
        // under load (each broadcast waits for the fine peer) can come first with the default three-second limit.
        bCfg.pingIntervalMs = 60_000;
        try (LogCapture logs = new LogCapture(); Node b = node(bCfg); Node fine = node(cfg().staticPeer(b.port()));
                RawPeer slow = RawPeer.handshaken(b.port(), NodeIdentity.generate(), cfg().build())) {
            await("both connected", () -> b.net.peers().size() == 2);
            byte[] payload = new byte[60 * 1024];
            // No wall-time bound on a broadcast: a broadcast that waited on the peer that never reads would never
            // return (nothing drains its socket), so this loop would hang and the test time out; that it ends, with
            // every frame at the fine peer and the slow one dropped, is the property.
            for (int i = 0; i < 5000 && b.hasPeer(slow.identity.nodeId()); i++) {
                b.net.broadcast(Channel.SYNC, payload);
                // Paced by the peer that does read, so only the one that does not falls behind.
                int sent = i + 1;
                await("fine peer keeps up", () -> fine.received.size() == sent);
            }
            await("slow peer dropped", () -> !b.hasPeer(slow.identity.nodeId()));
            assertThat(logs.logged(b.id(), "send queue full")).isTrue();
            assertThat(b.connectedTo(fine)).isTrue();
        }
    }

    /**
     * Frames within the frame count but large: the queue's byte bound (two of the largest frames) drops a peer that
     * never reads, where thousands of large frames would otherwise have been held for it.
     */
    @Test
    void aPeerThatNeverReadsLargeFramesIsDisconnectedByTheByteBound() throws Exception {
        TestNet.Cfg bCfg = cfg();
        bCfg.sendQueueFrames = 100_000;
        bCfg.pingIntervalMs = 60_000;
        try (LogCapture logs = new LogCapture(); Node b = node(bCfg);
                RawPeer slow = RawPeer.handshaken(b.port(), NodeIdentity.generate(), cfg().build())) {
            await("connected", () -> b.hasPeer(slow.identity.nodeId()));
            byte[] payload = new byte[60 * 1024];
            // The kernel's socket buffers take some megabytes first; then at most two frames wait in the queue.
            for (int i = 0; i < 100_000 && b.hasPeer(slow.identity.nodeId()); i++) {
                b.net.send(slow.identity.nodeId(), Channel.SYNC, payload);
            }
            await("slow peer dropped", () -> !b.hasPeer(slow.identity.nodeId()));
            assertThat(logs.logged(b.id(), "send queue full")).isTrue();
        }
    }
}
