package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cpc.client.NodeClient;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /tx/batch} on a real node: one result per transaction in order, the same refusals as one by one, limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TxBatchApiTest {
    @TempDir
    static Path dir;
    TestNode node;

    @BeforeAll
    void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void admitsInOrderAndAnswersEachTransaction() throws Exception {
        AccountKey alice = node.funded("10.0");
        String bob = TestNode.newAccount().address();
        List<Transaction> good = new ArrayList<>();
        for (int n = 0; n < 6; n++) good.add(node.transfer(alice, bob, BigInteger.valueOf(1 + n), n));
        Transaction forged = good.get(5);
        byte[] sig = Hex.decode(forged.signature());
        sig[7] ^= 1;
        forged = forged.withSignature(Hex.encode(sig));
        Transaction farAhead = node.transfer(alice, bob, BigInteger.ONE, 1000);
        String body = "{\"transactions\":[" + String.join(",", Jcs.canonicalString(good.get(0).toJson()),
                Jcs.canonicalString(good.get(1).toJson()), "{\"x\":1}", Jcs.canonicalString(forged.toJson()),
                Jcs.canonicalString(good.get(2).toJson()), Jcs.canonicalString(farAhead.toJson()),
                Jcs.canonicalString(good.get(1).toJson())) + "]}";
        HttpResponse<String> r = node.post("/tx/batch", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode o = TestNode.json(r);
        assertThat(o.path("accepted").asInt()).isEqualTo(3);
        assertThat(o.path("rejected").asInt()).isEqualTo(4);
        JsonNode res = o.path("results");
        assertThat(res).hasSize(7);
        assertReceived(res.get(0), good.get(0));
        assertReceived(res.get(1), good.get(1));
        assertRejected(res.get(2), null, "transactions[2]");
        assertRejected(res.get(3), forged.hashHex(), "signature does not verify");
        assertReceived(res.get(4), good.get(2));
        assertRejected(res.get(5), farAhead.hashHex(), "too far ahead");
        assertRejected(res.get(6), good.get(1).hashHex(), "already in the mempool");
        node.awaitIncluded(good.get(2).hashHex());
        assertThat(node.client.balance(alice.address()).path("nonce").asLong()).isEqualTo(3);

        // the client's batch call: the rest of the nonces in one request
        NodeClient.Reply more = node.client.sendTransactions(good.subList(3, 5));
        assertThat(more.status()).isEqualTo(200);
        assertThat(more.body().path("accepted").asInt()).isEqualTo(2);
        node.awaitIncluded(good.get(4).hashHex());
    }

    @Test
    void takesAThousandTransactionsInOneRequestLargerThanTheBodyLimitOfOne() throws Exception {
        AccountKey broke = TestNode.newAccount();
        String to = TestNode.newAccount().address();
        List<Transaction> txs = new ArrayList<>();
        for (int n = 0; n < 1000; n++) txs.add(node.transfer(broke, to, BigInteger.ONE, n));
        NodeClient.Reply r = node.client.sendTransactions(txs);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body().path("rejected").asInt()).isEqualTo(1000);
        for (int i = 0; i < txs.size(); i++) {
            // the mempool takes at most 64 pending nonces of one account; below that the balance is what fails
            assertRejected(r.body().path("results").get(i), txs.get(i).hashHex(),
                    i < 64 ? "insufficient balance" : "too far ahead");
        }
    }

    @Test
    void refusesEnvelopesItCannotTakeWithTheReason() throws Exception {
        assertStatus(node.post("/tx/batch", "[]"), 400, "batch");
        assertStatus(node.post("/tx/batch", "{\"transactions\":[]}"), 400, "empty");
        assertStatus(node.post("/tx/batch", "{\"transactions\":{}}"), 400, "array");
        assertStatus(node.post("/tx/batch", "{\"transactions\":[],\"x\":1}"), 400, "x");
        assertStatus(node.post("/tx/batch", "{\"transactions\":[" + "{},".repeat(1000) + "{}]}"), 413, "1000");
        assertStatus(node.post("/tx/batch", "{\"transactions\":[\"" + "a".repeat(5 << 20) + "\"]}"), 413, "limit");
        assertStatus(node.post("/tx/batch", "{not json"), 400, "JSON");
    }

    private static void assertStatus(HttpResponse<String> r, int status, String says) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(TestNode.json(r).path("error").asText()).contains(says);
    }

    private static void assertReceived(JsonNode r, Transaction tx) {
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("received");
        assertThat(r.path("tx_hash").asText()).isEqualTo(tx.hashHex());
    }

    private static void assertRejected(JsonNode r, String hash, String says) {
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("rejected");
        assertThat(r.path("error").asText()).contains(says);
        if (hash == null) assertThat(r.has("tx_hash")).isFalse(); else assertThat(r.path("tx_hash").asText()).isEqualTo(hash);
    }
}
