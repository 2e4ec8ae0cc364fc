package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validator builds its next block in the commit pause and proposes that block when the pause ends, but only
 * if the block is full. With a backlog that fills block after block, the blocks come from the pause and hold the
 * transactions in order. A block with room is built when it is proposed.
 */
class ProposalInPauseTest {
    @TempDir
    Path dir;

    @Test
    void fullBlocksAreBuiltInTheCommitPauseAndBlocksWithRoomWhenProposed() throws Exception {
        // Two transfers fill a block.
        try (TestNode node = TestNode.start(dir, TestNode.params().withBlockLimits(2 * GasSchedule.TRANSFER_GAS, 100))) {
            List<AccountKey> senders = new ArrayList<>();
            for (int i = 0; i < 3; i++) senders.add(node.funded("1.0"));
            assertThat(prepared(node)).as("single faucet transfers never fill a block").isZero();

            List<Transaction> backlog = new ArrayList<>();
            for (int nonce = 0; nonce < 4; nonce++) {
                for (AccountKey s : senders) {
                    backlog.add(node.transfer(s, TestNode.newAccount().address(), BigInteger.ONE, nonce));
                }
            }
            assertThat(node.client.sendTransactions(backlog).ok()).isTrue();
            long last = 0;
            for (Transaction tx : backlog) last = Math.max(last, node.awaitIncluded(tx.hashHex()).path("block_height").asLong());

            assertThat(prepared(node)).as("full blocks built in the commit pause").isGreaterThan(0);
            long first = node.awaitIncluded(backlog.getFirst().hashHex()).path("block_height").asLong();
            int seen = 0;
            for (long h = first; h <= last; h++) {
                Block b = Block.fromJson(TestNode.json(node.get("/block/" + h)));
                assertThat(b.transactions().size()).isBetween(1, 2);
                for (Transaction tx : b.transactions()) {
                    assertThat(backlog).as("only the backlog's transfers").contains(tx);
                    seen++;
                }
            }
            assertThat(seen).isEqualTo(backlog.size());
        }
    }

    private static double prepared(TestNode node) throws Exception {
        for (String line : node.get("/metrics").body().split("\n")) {
            if (line.startsWith("cpc_blocks_prepared_total ")) return Double.parseDouble(line.split(" ")[1]);
        }
        throw new AssertionError("no cpc_blocks_prepared_total in /metrics");
    }
}
