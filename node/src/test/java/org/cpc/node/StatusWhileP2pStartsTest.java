package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.cpc.chain.LocalChain;
import org.cpc.client.NodeClient;
import org.cpc.node.net.NetworkOpener;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.PeerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST is up before P2P listens (the node starts its server first): {@code GET /status} in that window answers,
 * with {@code p2p_listen} null, instead of a 500 from asking a network that has not started for its port. The
 * chaos testnet polls nodes from their first second and met that 500.
 */
class StatusWhileP2pStartsTest {
    @TempDir
    Path dir;

    @Test
    void statusAnswersBeforeP2pListens() throws Exception {
        // The REST port must be known while the node is still starting (NodeRunner returns only after P2P starts), so
        // it is picked before the node binds it; a test running beside this one may take it first, and then the
        // start fails with a bind error: that attempt is retried on another port, any other failure is reported.
        for (int attempt = 1; ; attempt++) {
            Path data = dir.resolve("attempt-" + attempt);
            Throwable failed = statusWhileHeld(data);
            if (failed == null) return;
            boolean portTaken = String.valueOf(failed).contains("ddress already in use")
                    || String.valueOf(failed.getCause()).contains("ddress already in use");
            if (!portTaken || attempt == 5) throw new AssertionError("the node did not start", failed);
        }
    }

    /** One start with P2P held back; the node's start failure, or null once /status was checked. */
    private static Throwable statusWhileHeld(Path data) throws Exception {
        int rest;
        try (ServerSocket s = new ServerSocket(0)) {
            rest = s.getLocalPort();
        }
        NodeInit.init(data, TestNode.params(), null, NodeInit.DEFAULT_VALIDATOR_KEY, rest, null, System.currentTimeMillis());
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NetworkOpener held = (config, keyDir, password, handler) ->
                new HeldStart(NodeRunner.TCP.open(config, keyDir, password, handler), starting, release);
        AtomicReference<NodeRunner> node = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                node.set(NodeRunner.start(new DataDir(data), null, NodeConfig.P2p.listening("127.0.0.1:0"),
                        (db, genesis) -> LocalChain.open(db, genesis, LocalChain.Options.defaults()), held,
                        InstantSource.system(), () -> { throw new AssertionError("devnet: no password asked"); }));
            } catch (Throwable e) {
                failed.set(e);
                starting.countDown();
            }
        });
        try {
            assertThat(starting.await(60, TimeUnit.SECONDS)).as("the node reached its P2P start").isTrue();
            if (failed.get() != null) return failed.get();
            NodeClient.Reply r = new NodeClient("http://127.0.0.1:" + rest).get("/status");
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            assertThat(r.body().path("p2p_listen").isNull()).isTrue();
            return null;
        } finally {
            release.countDown();
            t.join(60_000);
            if (node.get() != null) node.get().close();
        }
    }

    /** A network whose {@code start()} waits for the test, so that REST is up while P2P is not yet listening. */
    private record HeldStart(PeerNetwork real, CountDownLatch starting, CountDownLatch release) implements PeerNetwork {
        @Override
        public void start() {
            starting.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            real.start();
        }

        @Override
        public int listenPort() {
            return real.listenPort();
        }

        @Override
        public String nodeId() {
            return real.nodeId();
        }

        @Override
        public void broadcast(Channel channel, byte[] payload) {
            real.broadcast(channel, payload);
        }

        @Override
        public void broadcastExcept(String exceptPeerId, Channel channel, byte[] payload) {
            real.broadcastExcept(exceptPeerId, channel, payload);
        }

        @Override
        public boolean send(String peerId, Channel channel, byte[] payload) {
            return real.send(peerId, channel, payload);
        }

        @Override
        public void penalize(String peerId, Misbehaviour m, String reason) {
            real.penalize(peerId, m, reason);
        }

        @Override
        public List<PeerInfo> peers() {
            return real.peers();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
