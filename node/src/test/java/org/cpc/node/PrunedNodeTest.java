package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.cpc.chain.Pruning;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on a real RocksDB with {@code "pruning": "128"} in node.json and short blocks: once it has pruned, the
 * block routes answer 410 with the reason for pruned heights and 200 for kept ones, current state still answers,
 * and the same holds after a restart.
 */
class PrunedNodeTest {
    static final int KEEP = (int) Pruning.MIN_KEEP;

    @TempDir
    Path dir;

    @Test
    void answers410ForPrunedHeightsAndKeepsServingTheRestAcrossARestart() throws Exception {
        NodeInit.init(dir, TestNode.params().withBlockTime(100), null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null,
                System.currentTimeMillis());
        NodeConfig c = NodeConfig.read(dir);
        c.withPruning(new Pruning(KEEP)).write(dir);
        assertThat(NodeConfig.read(dir).pruning()).isEqualTo(new Pruning(KEEP));
        long txHeight;
        String txHash;
        AccountKey bob = TestNode.newAccount();
        try (TestNode node = TestNode.resume(dir)) {
            AccountKey alice = node.funded("3.0");
            Transaction tx = node.transfer(alice, bob.address(), BigInteger.TEN, 0);
            txHash = tx.hashHex();
            assertThat(node.client.sendTransaction(tx).ok()).isTrue();
            txHeight = node.awaitIncluded(txHash).path("block_height").asLong();
            awaitPruned(node, txHeight);
            assertPrunedAnswers(node, txHeight, txHash, bob);
        }
        try (TestNode node = TestNode.resume(dir)) {
            assertThat(node.runner.chain().earliestBlock()).isGreaterThan(txHeight);
            assertPrunedAnswers(node, txHeight, txHash, bob);
        }
    }

    private static void awaitPruned(TestNode node, long height) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (node.runner.chain().earliestBlock() <= height && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(node.runner.chain().earliestBlock()).as("pruned past height %d", height).isGreaterThan(height);
    }

    private static void assertPrunedAnswers(TestNode node, long pruned, String txHash, AccountKey bob) throws Exception {
        for (String path : new String[] {"/block/" + pruned, "/block/" + pruned + "/results", "/block/" + pruned + "/txs"}) {
            HttpResponse<String> r = node.get(path);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(410);
            assertThat(TestNode.json(r).path("error").asText()).contains("height " + pruned + " was pruned")
                    .contains("keeps blocks from height ");
        }
        long head = node.runner.chain().head().header().height();
        assertThat(node.get("/block/" + head).statusCode()).isEqualTo(200);
        assertThat(node.get("/block/0").statusCode()).as("genesis is kept").isEqualTo(200);
        assertThat(node.get("/block/" + (head + 1000)).statusCode()).as("past the head: not found").isEqualTo(404);
        assertThat(node.get("/tx/" + txHash).statusCode()).as("the pruned transaction is unknown").isEqualTo(404);
        assertThat(node.balance(bob.address())).isEqualTo(BigInteger.TEN);
        // the explorer's block list ends at the lowest block kept
        long earliest = node.runner.chain().earliestBlock();
        JsonNode blocks = TestNode.json(node.get("/blocks?limit=50&before=" + (earliest + 3)));
        assertThat(blocks.path("blocks").size()).isBetween(0, 3);
        for (JsonNode b : blocks.path("blocks")) assertThat(b.path("height").asLong()).isGreaterThanOrEqualTo(earliest);
        assertThat(blocks.path("next_before").isNull()).isTrue();
    }
}
