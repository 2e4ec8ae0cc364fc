package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer whose results keep being refused is cut off with 429, whatever sender it signs them with. */
class PeerLimitTest {
    @TempDir
    Path dir;

    @Test
    void aPeerWithManyRefusedResultsGets429WhileTransfersStillPass() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            AccountKey payer = node.funded("1.0");
            for (int i = 0; i < 32; i++) {
                // A fresh sender every time, so only the per-peer limit can catch it; each is refused cheaply.
                AccountKey sender = TestNode.newAccount();
                NodeClient.Reply r = node.client.sendTransaction(bogusResult(node, sender));
                assertThat(r.status()).as(r.body().toString()).isEqualTo(422);
            }
            NodeClient.Reply limited = node.client.sendTransaction(bogusResult(node, TestNode.newAccount()));
            assertThat(limited.status()).as(limited.body().toString()).isEqualTo(429);
            assertThat(limited.error()).contains("32 results from", "send again in");
            // Transfers from the same peer are not affected.
            Transaction pay = node.transfer(payer, TestNode.newAccount().address(), java.math.BigInteger.ONE, 0);
            assertThat(node.client.sendTransaction(pay).status()).isEqualTo(200);
        }
    }

    private static Transaction bogusResult(TestNode node, AccountKey sender) {
        ComputeResult r = new ComputeResult(UUID.randomUUID().toString(), sender.address(), "ab".repeat(32),
                "cd".repeat(32), 1L, null);
        return TxBuilder.of(node.params, sender).timestamp(System.currentTimeMillis() / 1000).gasLimit(2_000_000)
                .submitResult(r);
    }
}
