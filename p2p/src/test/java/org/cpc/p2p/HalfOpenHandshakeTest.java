package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.p2p.TestNet.await;
import static org.cpc.p2p.TestNet.cfg;
import static org.cpc.p2p.TestNet.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpc.p2p.TestNet.Node;
import org.junit.jupiter.api.Test;

/**
 * Connections that open TCP and never finish a handshake, on real sockets: they take handshake slots, never
 * {@code max_inbound}, at most {@code p2p_max_handshaking} of them at a time, and honest peers still connect.
 */
class HalfOpenHandshakeTest {
    private static final int SLOTS = 8;

    @Test
    void manyHalfOpenConnectionsDoNotKeepHonestPeersOut() throws Exception {
        TestNet.Cfg c = cfg();
        c.maxInbound = 4;
        // A deadline far beyond the test: the half-open sockets are not dropped by it, only by losing their slots.
        c.handshakeTimeoutMs = 120_000;
        c.inbound = new P2pConfig.InboundLimits(8, SLOTS, 2, 300);
        List<Socket> halfOpen = new ArrayList<>();
        AtomicInteger peak = new AtomicInteger();
        try (Node b = node(c)) {
            for (int i = 0; i < 200; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", b.port()), 5_000);
                halfOpen.add(s);
                peak.accumulateAndGet(b.net.handshaking(), Math::max);
            }
            await("the slots taken", () -> b.net.handshaking() == SLOTS);
            List<Node> honest = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) honest.add(node(cfg().staticPeer(b.port())));
                await("every honest peer connected", 30_000, () -> {
                    peak.accumulateAndGet(b.net.handshaking(), Math::max);
                    return honest.stream().allMatch(h -> b.connectedTo(h) && h.connectedTo(b));
                });
            } finally {
                honest.forEach(Node::close);
            }
            assertThat(peak.get()).as("handshakes in progress at once").isLessThanOrEqualTo(SLOTS);
            // Every half-open socket but the ones still holding a slot was refused or pushed out and closed.
            long closed = halfOpen.stream().filter(HalfOpenHandshakeTest::closedByRemote).count();
            assertThat(closed).isGreaterThanOrEqualTo(200 - SLOTS);
        } finally {
            for (Socket s : halfOpen) s.close();
        }
    }

    @Test
    void aPeerThatTricklesItsHandshakeIsDroppedAtTheDeadlineAndGivesItsSlotBack() throws Exception {
        TestNet.Cfg c = cfg();
        c.handshakeTimeoutMs = 500;
        try (Node b = node(c); RawPeer slow = new RawPeer(b.port(), NodeIdentity.generate())) {
            await("slot taken", () -> b.net.handshaking() == 1);
            // A frame header that announces more than is ever sent: one byte at a time, each read resets no deadline.
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    slow.write(new byte[] {0, 0, 0, 100});
                    while (!Thread.currentThread().isInterrupted()) {
                        slow.write(new byte[] {1});
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by b, as wanted
                }
            });
            try {
                assertThat(slow.closedByRemote()).isTrue();
                await("slot released", () -> b.net.handshaking() == 0);
            } finally {
                trickle.interrupt();
            }
        }
    }

    /** True when the other side has closed the socket (a read sees the end or a reset), false while it is open. */
    private static boolean closedByRemote(Socket s) {
        try {
            s.setSoTimeout(500);
            // Drain a goodbye frame, if one was sent, up to the end.
            while (true) if (s.getInputStream().read(new byte[256]) < 0) return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
