package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.p2p.TestNet.await;
import static org.cpc.p2p.TestNet.cfg;
import static org.cpc.p2p.TestNet.holds;
import static org.cpc.p2p.TestNet.node;

import java.security.SecureRandom;
import org.cpc.p2p.TestNet.Node;
import org.junit.jupiter.api.Test;

/** Refusals in the handshake, each for its stated reason, checked on real sockets. */
class HandshakeTest {

    @Test
    void otherChainIdIsRefusedWithTheReason() throws Exception {
        TestNet.Cfg other = cfg();
        other.chainId = "cpc-other";
        refusedBothWays(other, "other chain id 'cpc-other' (we are on 'cpc-test')",
                "other chain id 'cpc-test' (we are on 'cpc-other')");
    }

    @Test
    void otherGenesisHashIsRefusedWithTheReason() throws Exception {
        TestNet.Cfg other = cfg();
        other.genesisHash = "cd".repeat(32);
        refusedBothWays(other, "other genesis hash " + "cd".repeat(32), "other genesis hash " + TestNet.GENESIS);
    }

    /** Both sides check the other's hello, so each refuses, each for its own view of the mismatch. */
    private static void refusedBothWays(TestNet.Cfg other, String reasonAtB, String reasonAtA) throws Exception {
        try (LogCapture logs = new LogCapture(); Node b = node(cfg()); Node a = node(other.staticPeer(b.port()))) {
            await("b logged the refusal", () -> logs.logged(b.id(), "refused", a.id(), reasonAtB));
            await("a logged its refusal", () -> logs.logged(a.id(), "refused", b.id(), reasonAtA));
            holds("no connection", 300, () -> a.net.peers().isEmpty() && b.net.peers().isEmpty());
            assertThat(b.connected).isEmpty();
        }
    }

    @Test
    void otherProtocolVersionIsRefused() throws Exception {
        try (LogCapture logs = new LogCapture(); Node b = node(cfg());
                RawPeer raw = new RawPeer(b.port(), NodeIdentity.generate())) {
            Handshake.send(raw.out, new ControlMessage.Hello(P2pConfig.PROTOCOL_VERSION + 1, TestNet.CHAIN,
                    TestNet.GENESIS, raw.identity.publicKey(), new byte[32], null, "future"));
            ControlMessage hello = ControlMessage.decode(Frame.read(raw.in, 1 << 20).payload());
            assertThat(hello).isInstanceOf(ControlMessage.Hello.class);
            ControlMessage bye = ControlMessage.decode(Frame.read(raw.in, 1 << 20).payload());
            assertThat(bye).isEqualTo(new ControlMessage.Goodbye("other protocol version 2 (we speak 1)"));
            assertThat(raw.closedByRemote()).isTrue();
            await("logged", () -> logs.logged(b.id(), "other protocol version 2"));
        }
    }

    @Test
    void aBadHandshakeSignatureIsRefusedAndBansTheId() throws Exception {
        try (LogCapture logs = new LogCapture(); Node b = node(cfg())) {
            NodeIdentity liar = NodeIdentity.generate();
            try (RawPeer raw = new RawPeer(b.port(), liar)) {
                byte[] nonce = new byte[32];
                new SecureRandom().nextBytes(nonce);
                Handshake.send(raw.out, new ControlMessage.Hello(P2pConfig.PROTOCOL_VERSION, TestNet.CHAIN,
                        TestNet.GENESIS, liar.publicKey(), nonce, null, "liar"));
                var hello = (ControlMessage.Hello) ControlMessage.decode(Frame.read(raw.in, 1 << 20).payload());
                // Signed with another key: right message, wrong signer.
                byte[] hash = Handshake.signingHash(hello.nonce(), liar.nodeId(), b.id(), TestNet.CHAIN);
                Handshake.send(raw.out, new ControlMessage.Auth(NodeIdentity.generate().sign(hash)));
                assertThat(raw.closedByRemote()).isTrue();
            }
            await("banned", () -> logs.logged(b.id(), "banned " + liar.nodeId(), "bad handshake signature"));
            assertThatThrownBy(() -> RawPeer.handshaken(b.port(), liar, cfg().build()))
                    .isInstanceOf(HandshakeException.class)
                    .hasMessageContaining("node " + liar.nodeId() + " is banned");
            assertThat(b.net.peers()).isEmpty();
        }
    }

    @Test
    void aValidHandshakeBySignatureSucceeds() throws Exception {
        try (Node b = node(cfg()); RawPeer raw = RawPeer.handshaken(b.port(), NodeIdentity.generate(), cfg().build())) {
            await("b sees it", () -> b.hasPeer(raw.identity.nodeId()));
        }
    }

    @Test
    void dialingOurselvesIsRefusedAndNotRetried() throws Exception {
        int port = TestNet.freePort();
        TestNet.Cfg c = cfg();
        // By another name than the advertised 127.0.0.1, so only the handshake can tell it is us.
        c.staticPeers.add(new java.net.InetSocketAddress("localhost", port));
        c.listen = new java.net.InetSocketAddress("127.0.0.1", port);
        try (LogCapture logs = new LogCapture(); Node a = node(c)) {
            await("refused", () -> logs.logged(a.id(), "connection to ourselves"));
            await("dialler gave up", () -> logs.logged(a.id(), "is this node; not dialling it"));
            assertThat(a.net.peers()).isEmpty();
        }
    }

    @Test
    void aPeerThatNeverCompletesTheHandshakeIsDroppedInTime() throws Exception {
        TestNet.Cfg c = cfg();
        c.handshakeTimeoutMs = 300;
        try (Node b = node(c); RawPeer silent = new RawPeer(b.port(), NodeIdentity.generate())) {
            long t0 = System.nanoTime();
            assertThat(silent.closedByRemote()).isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        }
    }
}
