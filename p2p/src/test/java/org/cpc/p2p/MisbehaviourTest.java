package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.p2p.TestNet.await;
import static org.cpc.p2p.TestNet.cfg;
import static org.cpc.p2p.TestNet.node;

import java.nio.ByteBuffer;
import org.cpc.p2p.TestNet.Node;
import org.junit.jupiter.api.Test;

/** Protocol violations, rate limits and explicit penalties: disconnect, ban, and a banned id stays out. */
class MisbehaviourTest {

    @Test
    void anOversizedFrameBansThePeer() throws Exception {
        violationBans(ByteBuffer.allocate(5).putInt(64 * 1024 + 1).put((byte) 2).array(), "frame of 65537 bytes");
    }

    @Test
    void anUnknownChannelBansThePeer() throws Exception {
        violationBans(new byte[] {0, 0, 0, 2, 9, 0}, "unknown channel 9");
    }

    @Test
    void aMalformedPexMessageBansThePeer() throws Exception {
        violationBans(new byte[] {0, 0, 0, 2, 4, 77}, "unknown pex message type");
    }

    private static void violationBans(byte[] bytes, String reason) throws Exception {
        try (LogCapture logs = new LogCapture(); Node b = node(cfg())) {
            NodeIdentity bad = NodeIdentity.generate();
            try (RawPeer raw = RawPeer.handshaken(b.port(), bad, cfg().build())) {
                await("connected", () -> b.hasPeer(bad.nodeId()));
                raw.write(bytes);
                assertThat(raw.closedByRemote()).isTrue();
            }
            await("banned", () -> logs.logged(b.id(), "banned " + bad.nodeId(), reason));
            await("gone", () -> !b.hasPeer(bad.nodeId()));
            // peers() drops the peer before the node's handler hears of the disconnect: wait for that too.
            await("the disconnect heard", () -> b.disconnected.contains(bad.nodeId()));
            assertThat(b.disconnected).containsExactly(bad.nodeId());
            assertThatThrownBy(() -> RawPeer.handshaken(b.port(), bad, cfg().build()))
                    .hasMessageContaining("is banned");
        }
    }

    @Test
    void aFloodingPeerIsPenalizedUntilBannedWhileANormalPeerIsUnaffected() throws Exception {
        TestNet.Cfg c = cfg();
        c.maxMessagesPerSecond = 50;
        try (LogCapture logs = new LogCapture(); Node b = node(c); Node normal = node(cfg().staticPeer(b.port()))) {
            await("normal connected", () -> b.connectedTo(normal));
            NodeIdentity flooder = NodeIdentity.generate();
            try (RawPeer raw = RawPeer.handshaken(b.port(), flooder, cfg().build())) {
                await("flooder connected", () -> b.hasPeer(flooder.nodeId()));
                byte[] frame = Frame.encode(Channel.TX.wire(), new byte[] {1, 2, 3});
                for (int i = 0; i < 500 && !raw.socket.isClosed(); i++) {
                    try {
                        raw.write(frame);
                    } catch (java.io.IOException e) {
                        break; // b cut us off mid-flood
                    }
                }
                assertThat(raw.closedByRemote()).isTrue();
            }
            await("banned", () -> logs.logged(b.id(), "banned " + flooder.nodeId(), "RATE_EXCEEDED"));
            // At most the burst (one second's worth) got through before the budget ran out.
            long fromFlooder = b.received.stream().filter(r -> r.peerId().equals(flooder.nodeId())).count();
            assertThat(fromFlooder).isBetween(50L, 60L);
            for (int i = 0; i < 20; i++) normal.net.broadcast(Channel.TX, new byte[] {(byte) i});
            await("normal peer delivered", () -> b.received.stream()
                    .filter(r -> r.peerId().equals(normal.id())).count() == 20);
            assertThat(b.connectedTo(normal)).isTrue();
            assertThat(b.net.peers().getFirst().score()).isZero();
        }
    }

    @Test
    void aProtocolViolationReportedByTheNodeBansAtOnceWhateverTheBanScore() {
        TestNet.Cfg c = cfg();
        c.banScore = 1000;
        try (LogCapture logs = new LogCapture(); Node b = node(c); Node a = node(cfg().staticPeer(b.port()))) {
            await("connected", () -> b.connectedTo(a));
            b.net.penalize(a.id(), Misbehaviour.INVALID, "bad vote");
            assertThat(b.connectedTo(a)).isTrue();
            b.net.penalize(a.id(), Misbehaviour.PROTOCOL_VIOLATION, "garbage consensus frame");
            await("banned", () -> !b.connectedTo(a) && logs.logged(b.id(), "banned " + a.id(), "garbage"));
        }
    }

    @Test
    void penaltiesAddUpToABanAndShowInPeers() {
        try (LogCapture logs = new LogCapture(); Node b = node(cfg()); Node a = node(cfg().staticPeer(b.port()))) {
            await("connected", () -> b.connectedTo(a));
            b.net.penalize(a.id(), Misbehaviour.INVALID, "bad block");
            assertThat(b.net.peers().getFirst().score()).isEqualTo(50);
            b.net.penalize(a.id(), Misbehaviour.MALFORMED, "bad json");
            assertThat(b.net.peers().getFirst().score()).isEqualTo(75);
            b.net.penalize(a.id(), Misbehaviour.MALFORMED, "bad json");
            await("banned and gone", () -> !b.connectedTo(a) && !a.connectedTo(b));
            assertThat(logs.logged(b.id(), "banned " + a.id(), "score 100 reached 100", "bad json")).isTrue();
            // a keeps re-dialling b (a static peer) and is refused each time.
            await("a refused on redial", () -> logs.logged(b.id(), "is banned"));
            assertThat(b.net.peers()).isEmpty();
        }
    }
}
