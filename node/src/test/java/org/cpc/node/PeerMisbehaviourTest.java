package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.cpc.chain.Chain;
import org.cpc.p2p.Channel;
import org.cpc.p2p.MessageHandler;
import org.cpc.p2p.NodeIdentity;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.TcpPeerNetwork;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that misbehave are real P2P peers (same chain and genesis, their own node key) driven by hand; the node
 * penalizes what is provably wrong and nothing else.
 */
class PeerMisbehaviourTest {
    @TempDir
    Path dir;

    /**
     * A peer claims a far height and answers every {@code get_blocks} with real blocks whose certificate or block
     * was tampered with. The syncing node penalizes it until it is banned (two INVALID answers reach the ban score),
     * commits none of its blocks, and syncs the real chain from an honest peer.
     *
     * <p>The follower meets the forger alone first: with the honest validator there too, the validator may serve
     * the follower up to its head before the forger's status arrives, and then there is nothing left to forge.
     * The validator is restarted afterwards, dialling the follower.
     */
    @Test
    void aPeerServingForgedBlocksIsBannedAndNothingOfItIsCommitted() throws Exception {
        try (Testnet net = Testnet.create(dir, 1, NetworkTest.params())) {
            TestNode validator = net.start(0);
            net.awaitHeight(4, NetworkTest.WAIT);
            // The validator's chain of the moment: it is restarted below, and its old chain closed.
            java.util.function.Supplier<Chain> real = () -> net.node(0).runner.chain();

            AtomicInteger answers = new AtomicInteger();
            AtomicReference<TcpPeerNetwork> evil = new AtomicReference<>();
            MessageHandler forger = new MessageHandler() {
                @Override
                public void onPeerConnected(PeerInfo peer) {
                    evil.get().send(peer.id(), Channel.SYNC, bytes(Json.object().put("type", "status").put("base", 1).put("height", 1000)));
                }

                @Override
                public void onMessage(String peerId, Channel channel, byte[] payload) {
                    JsonNode m = Json.parse(payload);
                    if (channel != Channel.SYNC || !"get_blocks".equals(m.path("type").asText())) return;
                    long from = m.path("from").asLong();
                    ObjectNode reply = Json.object().put("type", "blocks");
                    ArrayNode arr = reply.putArray("blocks");
                    Chain chain = real.get();
                    for (long h = from; h <= Math.min(m.path("to").asLong(), chain.head().header().height()); h++) {
                        ObjectNode e = arr.addObject();
                        e.set("block", chain.block(h).orElseThrow().toJson());
                        e.set("commit", chain.commitOf(h).orElseThrow().deepCopy());
                    }
                    if (arr.isEmpty()) return;
                    ObjectNode first = (ObjectNode) arr.get(0);
                    if (answers.getAndIncrement() % 2 == 0) {
                        // a forged precommit signature
                        ObjectNode sig = (ObjectNode) first.path("commit").path("signatures").get(0);
                        String s = sig.path("signature").asText();
                        sig.put("signature", (s.charAt(0) == '0' ? "1" : "0") + s.substring(1));
                    } else {
                        // a changed block under the real certificate (its hash follows the header, without "hash")
                        ObjectNode block = (ObjectNode) first.path("block");
                        block.remove("hash");
                        ObjectNode header = (ObjectNode) block.path("header");
                        header.put("timestamp", header.path("timestamp").asLong() + 1);
                    }
                    evil.get().send(peerId, Channel.SYNC, bytes(reply));
                }
            };
            P2pConfig cfg = P2pConfig.defaults(net.params.chainId(), real.get().block(0).orElseThrow().hashHex(),
                    new InetSocketAddress("127.0.0.1", 0), List.of(), "forger");
            evil.set(new TcpPeerNetwork(cfg, NodeIdentity.generate(), forger));
            try (TcpPeerNetwork e = evil.get()) {
                e.start();
                int f = net.addFollower();
                TestNode follower = net.startWithPeers(f, List.of("127.0.0.1:" + e.listenPort()));

                Testnet.await("the forger answered twice", NetworkTest.WAIT, () -> answers.get() >= 2);
                Testnet.await("the forger banned", NetworkTest.WAIT, () ->
                        follower.runner.network().connectedPeers().stream().noneMatch(p -> p.id().equals(e.nodeId())));
                assertThat(net.height(follower)).as("blocks committed from the forger").isZero();

                // the honest validator's chain is synced instead, block for block
                net.stop(0);
                validator = net.start(0); // dials every running node: the follower
                long tip = net.height(validator);
                Testnet.await("the follower at " + tip, NetworkTest.WAIT, () -> net.height(follower) >= tip);
                net.assertSameChain(tip);
                NetworkTest.assertCertified(follower, net.validatorSet(), tip);
                assertThat(follower.runner.network().connectedPeers()).extracting(PeerInfo::id)
                        .containsExactly(validator.runner.network().nodeId());
            }
        }
    }

    /**
     * A malformed consensus message costs MALFORMED (25), a transaction with a forged signature INVALID (50); a
     * well-formed transaction the mempool refuses for want of balance (an honest race, for all the node knows)
     * costs nothing.
     */
    @Test
    void malformedAndInvalidMessagesArePenalizedAndRefusalsByStateAreNot() throws Exception {
        try (Testnet net = Testnet.create(dir, 1, NetworkTest.params())) {
            TestNode validator = net.start(0);
            Chain chain = validator.runner.chain();
            P2pConfig cfg = P2pConfig.defaults(net.params.chainId(), chain.block(0).orElseThrow().hashHex(),
                    new InetSocketAddress("127.0.0.1", 0), List.of(new InetSocketAddress("127.0.0.1",
                            validator.runner.network().listenAddress().getPort())), "sender");
            try (TcpPeerNetwork e = new TcpPeerNetwork(cfg, NodeIdentity.generate(), (peer, channel, payload) -> {})) {
                e.start();
                Testnet.await("connected", NetworkTest.WAIT, () -> !e.peers().isEmpty());
                String node = validator.runner.network().nodeId();

                Transaction unfunded = validator.transfer(TestNode.newAccount(), TestNode.newAccount().address(),
                        BigInteger.ONE, 0);
                e.send(node, Channel.TX, bytes(unfunded.toJson()));
                ObjectNode forged = validator.transfer(TestNode.newAccount(), TestNode.newAccount().address(),
                        BigInteger.ONE, 0).toJson();
                String sig = forged.path("signature").asText();
                forged.put("signature", (sig.charAt(10) == '0' ? sig.substring(0, 10) + "1" : sig.substring(0, 10) + "0")
                        + sig.substring(11));
                e.send(node, Channel.TX, bytes(forged));
                e.send(node, Channel.CONSENSUS, bytes(Json.object().put("type", "prevote").put("height", 1)));

                Testnet.await("the penalties", NetworkTest.WAIT, () -> score(validator, e.nodeId()) >= 75);
                assertThat(score(validator, e.nodeId())).isEqualTo(75);
                assertThat(validator.runner.chain().transaction(unfunded.hashHex())).isEmpty();
            }
        }
    }

    private static int score(TestNode n, String peerId) {
        return n.runner.network().connectedPeers().stream().filter(p -> p.id().equals(peerId))
                .mapToInt(PeerInfo::score).findFirst().orElse(-1);
    }

    private static byte[] bytes(JsonNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
