package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import org.cpc.client.NodeClient;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.TimeoutConfig;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four validators and followers over real TCP on loopback, each with its own RocksDB: they agree on every block,
 * gossip transactions, keep finalizing with one validator down, and nodes that were away or are new catch up by
 * block sync.
 */
class NetworkTest {
    /** Connections, block sync, bans: a few seconds alone, with a wide margin for a loaded 2-core machine. */
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final long BLOCK_MS = 300;

    /**
     * The time {@code n} heights may take on a loaded 2-core machine: at worst a height's proposer is down, so round 0
     * runs out its propose, prevote and precommit timeouts before round 1 decides; three times that for the load.
     * The waits poll, so an idle machine waits no longer.
     */
    static Duration heights(long n) {
        TimeoutConfig t = TimeoutConfig.DEFAULT;
        return Duration.ofMillis(n * 3 * (t.propose(0) + t.prevote(0) + t.precommit(0) + BLOCK_MS));
    }

    @TempDir
    Path dir;

    static NetworkParams params() {
        return TestNode.params().withBlockTime(BLOCK_MS);
    }

    /** Every block 1..height on {@code n} carries a certificate of more than 2/3 of the genesis validators. */
    static void assertCertified(TestNode n, ValidatorSet set, long height) {
        CommitVerifier verifier = new CommitVerifier(n.params.chainId(), MlDsaSignatures.VERIFIER);
        for (long h = 1; h <= height; h++) {
            Block b = n.runner.chain().block(h).orElseThrow();
            JsonNode certJson = n.runner.chain().commitOf(h).orElseThrow();
            CommitCertificate cert = CommitCertificate.fromJson(certJson, h, b.hashHex());
            // valid = distinct validators' precommits for this block holding more than 2/3 of the power
            assertThat(verifier.isValid(set, h, b.hashHex(), cert)).as("certificate of block %d", h).isTrue();
        }
    }

    @Test
    void fourValidatorsFinalizeGossipSurviveAnOutageAndSyncLateNodes() throws Exception {
        try (Testnet net = Testnet.create(dir, 4, params())) {
            net.startAll();
            ValidatorSet set = net.validatorSet();
            net.awaitHeight(3, WAIT.plus(heights(3)));
            net.assertSameChain(3);
            for (TestNode n : net.running()) assertCertified(n, set, 3);
            // Three of four validators finalize a height, so height 3 does not imply that node 3 has dialled all
            // of its peers yet: on a loaded machine a connection can come later.
            Testnet.await("node 3 connected to the other three", WAIT,
                    () -> net.node(3).client.status().path("peers").asInt() == 3);
            // "syncing" turns false once block sync has seen its peers' heads and found none ahead: wait for that
            Testnet.await("node 3 not syncing", WAIT, () -> !net.node(3).client.status().path("syncing").asBoolean());
            JsonNode status = net.node(3).client.status();
            assertThat(status.path("node_id").asText()).hasSize(40);
            JsonNode peers = TestNode.json(net.node(3).get("/peers")).path("peers");
            assertThat(peers).hasSize(3);
            assertThat(peers.get(0).path("score").asInt()).isZero();

            // a transaction sent to node 0 reaches the other mempools by gossip and is included; node 3 shows it
            ObjectNode req = Json.object().put("address", TestNode.newAccount().address()).put("amount", "5");
            NodeClient.Reply r = net.node(0).client.post("/faucet", req);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            String txHash = r.body().path("tx_hash").asText();
            net.node(3).awaitIncluded(txHash);
            assertThat(net.node(3).balance(req.path("address").asText())).isEqualTo(TestNode.cpc("5"));

            // it came by gossip: node 0 broadcast it to every peer
            for (int i = 1; i < 4; i++) assertThat(net.node(i).runner.network().gossip().received()).isPositive();

            // a node's certificates nearly always hold its own precommit (it precommits before it hears three
            // others), so each sees itself online; a certificate holds at least 3 of the 4 precommits
            for (int i = 0; i < 4; i++) {
                JsonNode vals = TestNode.json(net.node(i).get("/validators")).path("validators");
                String address = net.genesis.validators().get(i).address();
                JsonNode own = null; // the set is in set order (power, then operator address), not genesis order
                for (JsonNode v : vals) if (v.path("address").asText().equals(address)) own = v;
                assertThat(own).as("validator %d in /validators", i).isNotNull();
                assertThat(own.path("online").asBoolean()).as(own.toString()).isTrue();
                assertThat(own.path("last_signed_height").asLong()).isPositive();
                int online = 0;
                for (JsonNode v : vals) if (v.path("online").asBoolean()) online++;
                assertThat(online).isGreaterThanOrEqualTo(3);
            }

            // one validator down: the other three (3/4 > 2/3) keep finalizing
            net.stop(2);
            long h = net.running().stream().mapToLong(net::height).max().orElseThrow();
            net.awaitHeight(h + 3, heights(3));

            // back on the same data dir: it catches up by block sync and agrees on every hash
            net.start(2);
            long target = net.height(net.node(0)) + 1;
            net.awaitHeight(target, WAIT.plus(heights(1)));
            net.assertSameChain(target);
            assertCertified(net.node(2), set, target);
            assertThat(net.node(2).runner.network().syncedBlocks()).as("blocks node 2 got by block sync").isPositive();

            // a fresh node without a validator key joins late and follows the whole chain
            int f = net.addFollower();
            TestNode follower = net.start(f);
            long tip = net.height(net.node(0));
            Testnet.await("the follower at height " + tip, WAIT, () -> net.height(follower) >= tip);
            net.assertSameChain(tip);
            assertCertified(follower, set, tip);
            assertThat(follower.runner.network().syncedBlocks()).isPositive();
            // and keeps following by consensus decisions once caught up
            Testnet.await("the follower past " + (tip + 2), heights(2), () -> net.height(follower) >= tip + 2);
            assertThat(follower.client.status().path("syncing").asBoolean()).isFalse();
            // honest nodes never penalized each other
            for (TestNode n : net.running()) {
                assertThat(n.runner.network().connectedPeers()).allSatisfy(p -> assertThat(p.score()).isZero());
            }
        }
    }
}
