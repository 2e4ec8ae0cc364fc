package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.http.HttpService;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API end to end: a real node on loopback, real RocksDB, real signatures. */
class NodeApiTest {
    @TempDir
    static Path dir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void statusParamsValidatorsAndLatestBlockHaveTheirShapes() throws Exception {
        JsonNode status = TestNode.json(node.get("/status"));
        assertThat(status.path("chain_id").asText()).isEqualTo("cpc-devnet-1");
        assertThat(status.path("network").asText()).isEqualTo("devnet");
        assertThat(status.has("height") && status.has("last_hash") && status.has("mempool_size")).isTrue();

        assertThat(Jcs.canonicalString(TestNode.json(node.get("/params")))).isEqualTo(Jcs.canonicalString(node.params.toJson()));

        JsonNode validators = TestNode.json(node.get("/validators")).path("validators");
        assertThat(validators).hasSize(1);
        assertThat(validators.get(0).path("address").asText()).startsWith("cpcvalcons1");
        assertThat(validators.get(0).path("public_key").asText()).hasSize(2 * 1952);

        JsonNode latest = TestNode.json(node.get("/block/latest"));
        assertThat(latest.path("header").properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
                "height", "prev_hash", "timestamp", "chain_id", "proposer_address", "round", "tx_root", "state_root",
                "compute_root", "gas_used", "gas_limit", "validators_hash", "next_validators_hash", "last_commit_hash",
                "evidence_hash", "zk_state_proof", "zk_compute_proof");
        assertThat(latest.path("signature").asText()).hasSize(2 * 3309);
        assertThat(TestNode.json(node.get("/block/0")).path("header").path("prev_hash").asText()).isEqualTo("0".repeat(64));
    }

    @Test
    void evidenceIsAnEmptyListOnAnHonestChainAndTheLimitIsChecked() throws Exception {
        JsonNode evidence = TestNode.json(node.get("/evidence"));
        assertThat(evidence.path("total").asInt(-1)).isZero();
        assertThat(evidence.path("evidence").isArray()).isTrue();
        assertThat(evidence.path("evidence")).isEmpty();
        assertThat(node.get("/evidence?limit=1000").statusCode()).isEqualTo(200);
        for (String bad : List.of("0", "1001", "x")) {
            var r = node.get("/evidence?limit=" + bad);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(TestNode.json(r).path("error").asText()).contains("limit");
        }
    }

    @Test
    void transfersMoveBalancesAndTxLookupFollowsThem() throws Exception {
        AccountKey alice = node.funded("10.0");
        AccountKey bob = TestNode.newAccount();
        assertThat(node.balance(alice.address())).isEqualTo(TestNode.cpc("10.0"));
        JsonNode bal = TestNode.json(node.get("/balance/" + alice.address()));
        assertThat(bal.path("balance_cpc").asText()).isEqualTo("10.0");
        assertThat(bal.path("nonce").asLong()).isZero();

        Transaction tx = node.transfer(alice, bob.address(), TestNode.cpc("1.5"), 0);
        NodeClient.Reply sent = node.client.sendTransaction(tx);
        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.body().path("status").asText()).isEqualTo("received");
        assertThat(sent.body().path("tx_hash").asText()).isEqualTo(tx.hashHex());

        JsonNode included = node.awaitIncluded(tx.hashHex());
        assertThat(included.path("block_height").asLong()).isPositive();
        assertThat(Jcs.canonicalString(included.path("tx"))).isEqualTo(Jcs.canonicalString(tx.toJson()));
        BigInteger gasCost = BigInteger.valueOf(GasSchedule.TRANSFER_GAS * node.params.minGasPrice());
        assertThat(node.balance(bob.address())).isEqualTo(TestNode.cpc("1.5"));
        assertThat(node.balance(alice.address())).isEqualTo(TestNode.cpc("8.5").subtract(gasCost));
        assertThat(node.client.balance(alice.address()).path("nonce").asLong()).isEqualTo(1);

        JsonNode block = TestNode.json(node.get("/block/" + included.path("block_height").asLong()));
        assertThat(block.path("transactions")).extracting(Jcs::canonicalString).contains(Jcs.canonicalString(tx.toJson()));
        // Served from the stored bytes with the certificate spliced in: the block's own fields, then "commit".
        assertThat(block.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("hash", "header", "transactions", "signature", "last_commit", "evidence", "commit");
        assertThat(block.path("commit").path("signatures").size()).isEqualTo(1);
        assertThat(org.cpc.protocol.types.Block.fromJson(block).hashHex()).isEqualTo(block.path("hash").asText());
    }

    @Test
    void transactionsBreakingTheRulesAreRejectedWithTheirReason() throws Exception {
        AccountKey carol = node.funded("5.0");
        String to = TestNode.newAccount().address();

        assertRejected(node.transfer(carol, to, BigInteger.ONE, 1000), 422, "nonce");

        Transaction good = node.transfer(carol, to, BigInteger.ONE, 0);
        byte[] sig = Hex.decode(good.signature());
        sig[10] ^= 1;
        assertRejected(good.withSignature(Hex.encode(sig)), 422, "signature");
        assertRejected(good.withSignature(highS(good.signature())), 422, "high S");

        Transaction otherChain = TxBuilder.of(node.params.withChainId("cpc-testnet-1"), carol)
                .timestamp(System.currentTimeMillis() / 1000).transfer(to, BigInteger.ONE);
        assertRejected(otherChain, 422, "cpc-testnet-1");

        ObjectNode unknownType = good.toJson();
        unknownType.put("tx_type", "MINT");
        HttpResponse<String> r = node.post("/tx/send", Jcs.canonicalString(unknownType));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).path("status").asText()).isEqualTo("rejected");
        assertThat(TestNode.json(r).path("error").asText()).contains("unknown tx_type 'MINT'");

        ObjectNode unknownField = good.toJson();
        unknownField.put("memo", "hi");
        r = node.post("/tx/send", Jcs.canonicalString(unknownField));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).path("error").asText()).contains("unknown field 'memo'");

        r = node.post("/tx/send", "{\"x\":\"" + "a".repeat((int) (2 * node.params.maxTxBytes())) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(TestNode.json(r).path("error").asText()).contains("limit");

        // After all of that the honest transaction still goes through, and then its nonce is spent.
        assertThat(node.client.sendTransaction(good).status()).isEqualTo(200);
        node.awaitIncluded(good.hashHex());
        assertRejected(node.transfer(carol, to, BigInteger.TWO, 0), 422, "nonce");
    }

    @Test
    void submitResultFromSomeoneElseThanTheWorkerIsRejected() throws Exception {
        AccountKey sender = node.funded("5.0");
        ComputeResult result = new ComputeResult(UUID.randomUUID().toString(), TestNode.newAccount().address(),
                "ab".repeat(32), "cd".repeat(32), 1L, null);
        Transaction tx = TxBuilder.of(node.params, sender).timestamp(System.currentTimeMillis() / 1000)
                .gasLimit(2_000_000).submitResult(result);
        assertRejected(tx, 422, "does not match from_address");
    }

    @Test
    void servedBlocksMatchAnIndependentRecomputationOfTheirRoots() throws Exception {
        AccountKey worker = node.funded("5.0");
        // A synthetic result needs a worker bond of min_worker_bond first.
        Transaction bond = TxBuilder.of(node.params, worker).timestamp(System.currentTimeMillis() / 1000)
                .bondWorker(node.params.bonds().minWorkerBond());
        assertThat(node.client.sendTransaction(bond).status()).isEqualTo(200);
        node.awaitIncluded(bond.hashHex());
        JsonNode source = TestNode.json(node.get("/block/latest"));
        long h0 = source.path("header").path("height").asLong();
        SyntheticResult proved = new SyntheticProver(Backends.java(1).gemm()).prove(source.path("hash").asText(), h0,
                worker.address(), node.params.syntheticMatrixSize(), node.params.syntheticSpotChecks());
        assertThat(proved.taskId()).isEqualTo(Independent.syntheticTaskId(source.path("hash").asText(), worker.address()));
        ComputeResult result = new ComputeResult(proved.taskId(), worker.address(), proved.resultHash(), proved.proof(),
                h0, null);
        Transaction submit = TxBuilder.of(node.params, worker).nonce(1).timestamp(System.currentTimeMillis() / 1000)
                .gasLimit(2_000_000).submitResult(result);
        Transaction pay = node.transfer(worker, TestNode.newAccount().address(), BigInteger.TEN, 2);
        NodeClient.Reply submitted = node.client.sendTransaction(submit);
        assertThat(submitted.status()).as(submitted.body().toString()).isEqualTo(200);
        assertThat(node.client.sendTransaction(pay).status()).isEqualTo(200);
        long h = node.awaitIncluded(submit.hashHex()).path("block_height").asLong();
        node.awaitIncluded(pay.hashHex());

        JsonNode block = TestNode.json(node.get("/block/" + h));
        JsonNode header = block.path("header");
        assertThat(block.path("hash").asText()).isEqualTo(Independent.sha256Hex(Jcs.canonicalize(header)));

        java.util.List<byte[]> txLeaves = new java.util.ArrayList<>();
        java.util.List<byte[]> computeLeaves = new java.util.ArrayList<>();
        for (JsonNode tx : block.path("transactions")) {
            ObjectNode unsigned = ((ObjectNode) tx).deepCopy();
            unsigned.remove("signature");
            txLeaves.add(Independent.sha256(Jcs.canonicalize(unsigned)));
            if (tx.path("tx_type").asText().equals("SUBMIT_RESULT")) {
                computeLeaves.add(Independent.pydanticJson(tx.path("payload")).getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(computeLeaves).isNotEmpty();
        assertThat(header.path("tx_root").asText()).isEqualTo(Hex.encode(Independent.merkleRoot(txLeaves)));
        assertThat(header.path("compute_root").asText()).isEqualTo(Hex.encode(Independent.merkleRoot(computeLeaves)));

        JsonNode prev = TestNode.json(node.get("/block/" + (h - 1)));
        assertThat(header.path("prev_hash").asText()).isEqualTo(prev.path("hash").asText());

        JsonNode first = TestNode.json(node.get("/block/1"));
        if (!hasSubmit(first)) assertThat(first.path("header").path("compute_root").asText()).isEmpty();
        if (first.path("transactions").isEmpty()) {
            assertThat(first.path("header").path("tx_root").asText()).isEqualTo(Independent.sha256Hex(new byte[0]));
        }
    }

    private static boolean hasSubmit(JsonNode block) {
        for (JsonNode tx : block.path("transactions")) if (tx.path("tx_type").asText().equals("SUBMIT_RESULT")) return true;
        return false;
    }

    @Test
    void faucetRefusesMoreThanItsLimitAndBadAddresses() throws Exception {
        HttpResponse<String> r = node.post("/faucet", "{\"address\":\"" + TestNode.newAccount().address()
                + "\",\"amount\":\"1000000\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).path("error").asText()).contains("at most 1000.0 CPC");
        r = node.post("/faucet", "{\"address\":\"cpc1nope\",\"amount\":\"1\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).path("error").asText()).contains("not a cpc1");
    }

    @Test
    void badInputGivesJsonErrorsAndTheNodeKeepsServing() throws Exception {
        HttpResponse<String> r = node.post("/tx/send", "{not json");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).path("error").asText()).startsWith("malformed JSON");

        r = node.get("/no/such/route");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestNode.json(r).path("error").asText()).contains("/openapi.json");

        assertThat(node.get("/block/banana").statusCode()).isEqualTo(400);
        assertThat(node.get("/block/99999999").statusCode()).isEqualTo(404);
        assertThat(node.get("/tx/" + "0".repeat(64)).statusCode()).isEqualTo(404);
        assertThat(node.get("/tx/xyz").statusCode()).isEqualTo(400);
        assertThat(node.get("/balance/cpc1xyz").statusCode()).isEqualTo(400);
        assertThat(node.post("/tx/send", "").statusCode()).isEqualTo(400);
        assertThat(node.post("/tx/send", "[1,2,3]").statusCode()).isEqualTo(400);
        assertThat(node.post("/tx/send", "{\"a\":" + "[".repeat(5000) + "}").statusCode()).isEqualTo(400);
        for (String p : new String[] {"/no/such/route", "/block/banana"}) {
            assertThat(node.get(p).headers().firstValue("content-type").orElse("")).startsWith("application/json");
        }
        assertThat(node.get("/status").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsExposeHeightMempoolAndRequestTimings() throws Exception {
        node.get("/status");
        HttpResponse<String> r = node.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("cpc_chain_height", "cpc_mempool_size", "cpc_http_requests_seconds",
                "cpc_block_production_seconds");
    }

    @Test
    void eventsStreamDeliversBlocks() throws Exception {
        HttpResponse<InputStream> r = node.http.send(HttpRequest.newBuilder(URI.create(node.url() + "/events")).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean sawBlockEvent = false;
            while ((line = in.readLine()) != null) {
                if (line.equals("event: block")) sawBlockEvent = true;
                if (sawBlockEvent && line.startsWith("data: ")) {
                    JsonNode data = Json.parse(line.substring(6));
                    assertThat(data.path("height").asLong()).isPositive();
                    assertThat(data.path("hash").asText()).hasSize(64);
                    assertThat(data.has("tx_count")).isTrue();
                    return;
                }
            }
        }
        throw new AssertionError("the event stream ended without a block event");
    }

    @Test
    void openApiDocumentListsExactlyTheRoutesTheServerAnswers() throws Exception {
        JsonNode doc = TestNode.json(node.get("/openapi.json"));
        Set<HttpService.Route> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> documented.add(new HttpService.Route(m.toUpperCase(), p.getKey())));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(node.runner.server().routes());
    }

    private static void assertRejected(Transaction tx, int status, String reasonContains) {
        NodeClient.Reply r = node.client.sendTransaction(tx);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("status").asText()).isEqualTo("rejected");
        assertThat(r.error()).contains(reasonContains);
    }

    /** The same signature with s replaced by n − s: valid ECDSA, but the protocol accepts only low S. */
    private static String highS(String sigHex) {
        BigInteger n = new BigInteger("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16);
        BigInteger s = new BigInteger(sigHex.substring(64), 16);
        String high = n.subtract(s).toString(16);
        return sigHex.substring(0, 64) + "0".repeat(64 - high.length()) + high;
    }
}
