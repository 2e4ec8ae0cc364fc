package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.p2p.TestNet.await;
import static org.cpc.p2p.TestNet.cfg;
import static org.cpc.p2p.TestNet.node;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpc.p2p.TestNet.Node;
import org.junit.jupiter.api.Test;

/** Two or three real nodes on loopback: connection, delivery, handler faults, close. */
class TcpPeerNetworkTest {

    @Test
    void twoNodesExchangeMessagesOnEveryChannelBothWaysInOrder() {
        try (Node b = node(cfg()); Node a = node(cfg().staticPeer(b.port()))) {
            await("connected both ways", () -> a.connectedTo(b) && b.connectedTo(a));
            assertThat(a.connected).containsExactly(b.id());
            assertThat(b.connected).containsExactly(a.id());
            PeerInfo seenByA = a.net.peers().getFirst();
            assertThat(seenByA.outbound()).isTrue();
            assertThat(seenByA.listen().getPort()).isEqualTo(b.port());
            assertThat(seenByA.moniker()).isEqualTo("test");
            assertThat(b.net.peers().getFirst().outbound()).isFalse();

            int n = 300;
            List<Channel> channels = List.of(Channel.CONSENSUS, Channel.TX, Channel.SYNC);
            for (int i = 0; i < n; i++) {
                for (Channel c : channels) {
                    a.net.broadcast(c, ("a" + c + i).getBytes(StandardCharsets.UTF_8));
                    assertThat(b.net.send(a.id(), c, ("b" + c + i).getBytes(StandardCharsets.UTF_8))).isTrue();
                }
            }
            await("all delivered", () -> a.received.size() == 3 * n && b.received.size() == 3 * n);
            for (Channel c : channels) {
                assertThat(b.received.stream().filter(r -> r.channel() == c)
                        .map(r -> new String(r.payload(), StandardCharsets.UTF_8)))
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).mapToObj(i -> "a" + c + i).toList());
                assertThat(a.received.stream().filter(r -> r.channel() == c)
                        .map(r -> new String(r.payload(), StandardCharsets.UTF_8)))
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).mapToObj(i -> "b" + c + i).toList());
            }
            assertThat(b.received).allMatch(r -> r.peerId().equals(a.id()));
            // PEX requests and answers flowed too (each side asks on connect) but never reached the handler.
            assertThat(a.received).noneMatch(r -> r.channel() == Channel.PEX);
        }
    }

    @Test
    void broadcastExceptSkipsTheGivenPeerAndSendToUnknownPeerIsFalse() {
        try (Node hub = node(cfg()); Node x = node(cfg().staticPeer(hub.port()));
                Node y = node(cfg().staticPeer(hub.port()))) {
            await("both connected to hub", () -> hub.net.peers().size() == 2);
            hub.net.broadcastExcept(x.id(), Channel.TX, new byte[] {7});
            await("y got it", () -> y.received.size() == 1);
            hub.net.broadcast(Channel.TX, new byte[] {8});
            await("x got the broadcast", () -> x.received.size() == 1);
            assertThat(x.received.getFirst().payload()).containsExactly(8);
            assertThat(hub.net.send("00".repeat(20), Channel.TX, new byte[] {1})).isFalse();
            assertThat(hub.net.peers()).extracting(PeerInfo::id).isSorted();
        }
    }

    @Test
    void aThrowingHandlerDoesNotDropTheConnection() {
        AtomicInteger calls = new AtomicInteger();
        try (LogCapture logs = new LogCapture(); Node b = node(cfg())) {
            NodeIdentity id = NodeIdentity.generate();
            TcpPeerNetwork a = new TcpPeerNetwork(cfg().staticPeer(b.port()).build(), id, (peer, channel, payload) -> {
                if (calls.incrementAndGet() == 1) throw new IllegalStateException("boom");
            });
            try (a) {
                a.start();
                await("connected", () -> b.hasPeer(id.nodeId()));
                b.net.broadcast(Channel.TX, new byte[] {1});
                b.net.broadcast(Channel.TX, new byte[] {2});
                await("both delivered", () -> calls.get() == 2);
                assertThat(a.peers()).hasSize(1);
                assertThat(logs.logged(id.nodeId(), "handler threw")).isTrue();
            }
        }
    }

    /**
     * peers() lists a peer only once the node has been told of it, and a disconnect on another thread while the
     * node is being told waits for that: the node never hears of an end before its start.
     */
    @Test
    void theNodeHearsOfAConnectionBeforePeersListsItAndBeforeItsEnd() throws Exception {
        java.util.concurrent.CountDownLatch inCallback = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Node b = node(cfg())) {
            TcpPeerNetwork a = new TcpPeerNetwork(cfg().staticPeer(b.port()).build(), NodeIdentity.generate(),
                    new MessageHandler() {
                        @Override
                        public void onMessage(String peerId, Channel channel, byte[] payload) {}

                        @Override
                        public void onPeerConnected(PeerInfo peer) {
                            events.add("connected");
                            inCallback.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }

                        @Override
                        public void onPeerDisconnected(String peerId) {
                            events.add("disconnected");
                        }
                    });
            a.start();
            assertThat(inCallback.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(a.peers()).as("listed while the node is still being told").isEmpty();
            Thread closer = Thread.ofPlatform().start(a::close);
            await("close waits for the announcement", () -> closer.getState() == Thread.State.BLOCKED);
            assertThat(events).containsExactly("connected");
            release.countDown();
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
            assertThat(events).containsExactly("connected", "disconnected");
        }
    }

    @Test
    void closeReleasesThePortAndEveryThreadAndTellsThePeer() throws Exception {
        Node b = node(cfg());
        try (Node a = node(cfg().staticPeer(b.port()))) {
            await("connected", () -> a.connectedTo(b));
            int port = b.port();
            b.close();
            b.close(); // idempotent
            assertThat(b.net.liveThreads()).isZero();
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("p2p-timer-" + b.id().substring(0, 8)));
            try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
            await("a saw the disconnect", () -> a.disconnected.contains(b.id()) && a.net.peers().isEmpty());
            assertThat(a.disconnected).containsExactly(b.id());
        }
    }

    @Test
    void pingsKeepAnIdleConnectionWhileASilentPeerIsDroppedAfterThreeIntervals() throws Exception {
        TestNet.Cfg c = cfg();
        c.pingIntervalMs = 150;
        try (LogCapture logs = new LogCapture(); Node b = node(c); Node a = node(c.staticPeer(b.port()));
                RawPeer mute = RawPeer.handshaken(b.port(), NodeIdentity.generate(), cfg().build())) {
            await("connected", () -> b.net.peers().size() == 2);
            await("mute peer dropped", () -> !b.hasPeer(mute.identity.nodeId()));
            assertThat(logs.logged(b.id(), "disconnected", "silent for 450 ms")).isTrue();
            // a and b send nothing but pings and PEX, and stay connected well past three intervals.
            TestNet.holds("a-b stays up", 1000, () -> b.connectedTo(a) && a.connectedTo(b));
        }
    }

    @Test
    void sendingOnPexOrOverTheFrameLimitIsACallerError() {
        try (Node a = node(cfg())) {
            assertThatThrownBy(() -> a.net.broadcast(Channel.PEX, new byte[1]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.net.broadcast(Channel.TX, new byte[64 * 1024]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frame limit");
        }
    }
}
