package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explorer's routes end to end on a real node: paging, errors, search, and the page's security headers. */
class ExplorerApiTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static AccountKey alice;
    static AccountKey bob;
    static List<String> transfers = new ArrayList<>();
    static String taskId = UUID.randomUUID().toString();
    /** The market task's matrix size, unlike the chain's synthetic one, so /stats must tell their work apart. */
    static final int TASK_N = 8;
    /** The task id of the setup's synthetic result. */
    static String syntheticId;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dir);
        alice = node.funded("100.0");
        bob = TestNode.newAccount();
        for (int i = 0; i < 5; i++) {
            Transaction t = node.transfer(alice, bob.address(), BigInteger.valueOf(1000 + i), i);
            assertThat(node.client.sendTransaction(t).status()).isEqualTo(200);
            transfers.add(t.hashHex());
        }
        ObjectNode task = Json.object();
        task.put("task_id", taskId);
        task.put("challenge_type", "synthetic");
        task.set("payload", Json.object().put("seed", "cd".repeat(32)).put("matrix_size", TASK_N).put("iterations", 2));
        task.put("reward", TestNode.cpc("1.0").toString());
        task.put("deadline", System.currentTimeMillis() / 1000 + 600);
        Transaction create = TxBuilder.of(node.params, alice).nonce(5).timestamp(System.currentTimeMillis() / 1000)
                .createTask(ComputeTask.fromJson(task));
        assertThat(node.client.sendTransaction(create).status()).isEqualTo(200);
        node.awaitIncluded(create.hashHex());
        for (String h : transfers) node.awaitIncluded(h);
        submitComputeResults();
    }

    /** One synthetic result of a bonded worker and job 0 of the market task, sent by the PoC validator. */
    static void submitComputeResults() throws Exception {
        AccountKey worker = node.funded("5.0");
        Transaction synthetic = node.sendSyntheticResult(worker);
        syntheticId = synthetic.payload().path("task_id").asText();
        Transaction market = node.sendMarketJob(worker, taskId, 0,
                Hex.encode(Sha256.hash("job 0".getBytes(StandardCharsets.UTF_8))));
        node.awaitIncluded(synthetic.hashHex());
        node.awaitIncluded(market.hashHex());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static JsonNode ok(String path) throws Exception {
        HttpResponse<String> r = node.get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return TestNode.json(r);
    }

    static void bad(String path, String errorContains) throws Exception {
        HttpResponse<String> r = node.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(400);
        assertThat(TestNode.json(r).path("error").asText()).contains(errorContains);
    }

    @Test
    void blocksComeNewestFirstPageByPage() throws Exception {
        node.awaitHeight(4); // a second page of three below the first (the setup's blocks may be only two)
        JsonNode first = ok("/blocks?limit=3");
        assertThat(first.path("blocks")).hasSize(3);
        long top = first.path("blocks").get(0).path("height").asLong();
        for (int i = 0; i < 3; i++) assertThat(first.path("blocks").get(i).path("height").asLong()).isEqualTo(top - i);
        JsonNode b0 = first.path("blocks").get(0);
        assertThat(b0.has("hash") && b0.has("tx_count") && b0.has("result_count") && b0.has("compute_root")).isTrue();
        assertThat(first.path("next_before").asLong()).isEqualTo(top - 2);
        JsonNode next = ok("/blocks?limit=3&before=" + first.path("next_before").asLong());
        assertThat(next.path("blocks").get(0).path("height").asLong()).isEqualTo(top - 3);
        JsonNode bottom = ok("/blocks?before=2&limit=100");
        assertThat(bottom.path("blocks")).hasSize(2);
        assertThat(bottom.path("next_before").isNull()).isTrue();
        assertThat(ok("/blocks?before=0").path("blocks")).isEmpty();
        bad("/blocks?limit=0", "limit must be an integer from 1 to 100");
        bad("/blocks?limit=101", "limit must be an integer from 1 to 100");
        bad("/blocks?before=-1", "before must be a block height");
        bad("/blocks?before=x", "before must be a block height");
    }

    @Test
    void aBlockByHashAndItsTransactionsWithHashes() throws Exception {
        JsonNode tx = ok("/tx/" + transfers.get(0));
        long h = tx.path("block_height").asLong();
        JsonNode byHeight = ok("/block/" + h);
        JsonNode byHash = ok("/block/hash/" + byHeight.path("hash").asText());
        assertThat(byHash).isEqualTo(byHeight);
        JsonNode txs = ok("/block/" + h + "/txs");
        JsonNode item = txs.path("txs").get(tx.path("index").asInt());
        assertThat(item.path("tx_hash").asText()).isEqualTo(transfers.get(0));
        assertThat(item.path("gas_used").asLong()).isEqualTo(tx.path("gas_used").asLong());
        assertThat(item.path("tx")).isEqualTo(tx.path("tx"));
        assertThat(node.get("/block/hash/" + "ab".repeat(32)).statusCode()).isEqualTo(404);
        bad("/block/hash/xyz", "64 lowercase hex");
        assertThat(node.get("/block/99999999/txs").statusCode()).isEqualTo(404);
    }

    @Test
    void anAddressPagesThroughItsTransactions() throws Exception {
        List<String> seen = new ArrayList<>();
        String before = null;
        do {
            JsonNode p = ok("/address/" + bob.address() + "/txs?limit=2" + (before == null ? "" : "&before=" + before));
            assertThat(p.path("txs").size()).isLessThanOrEqualTo(2);
            p.path("txs").forEach(t -> seen.add(t.path("tx_hash").asText()));
            before = p.path("next_before").isNull() ? null : p.path("next_before").asText();
        } while (before != null);
        assertThat(seen).containsExactlyElementsOf(transfers.reversed()); // nonce order = block order, newest first
        JsonNode a = ok("/address/" + alice.address() + "/txs");
        assertThat(a.path("txs")).hasSize(7); // the faucet's transfer, five transfers, the CREATE_TASK
        assertThat(a.path("txs").get(0).path("tx").path("tx_type").asText()).isEqualTo("CREATE_TASK");
        assertThat(a.path("txs").get(0).path("block_time").asLong()).isPositive();
        bad("/address/cpc1nope/txs", "is not a cpc1... account address");
        bad("/address/" + bob.address() + "/txs?before=1:x", "before must be a block height H or a position H:I");
        bad("/address/" + bob.address() + "/txs?limit=1000", "limit must be an integer from 1 to 100");
    }

    @Test
    void tasksListWithStatusFilter() throws Exception {
        JsonNode all = ok("/tasks");
        assertThat(all.path("tasks")).hasSize(1);
        JsonNode t = all.path("tasks").get(0);
        assertThat(t.path("task_id").asText()).isEqualTo(taskId);
        assertThat(t.path("status").asText()).isEqualTo("in_progress"); // job 0 of 2 is done
        assertThat(t.path("reward_cpc").asText()).isEqualTo("1.0");
        assertThat(t.path("escrow_left_cpc").asText()).isEqualTo("0.5");
        assertThat(all.path("next_offset").isNull()).isTrue();
        assertThat(ok("/tasks?status=in_progress").path("tasks")).hasSize(1);
        assertThat(ok("/tasks?status=pending").path("tasks")).isEmpty();
        assertThat(ok("/tasks?status=completed").path("tasks")).isEmpty();
        assertThat(ok("/tasks?offset=1").path("tasks")).isEmpty();
        bad("/tasks?status=publishing", "status must be one of pending");
        bad("/tasks?status=done", "status must be one of pending");
        bad("/tasks?offset=10001", "offset must be an integer from 0 to 10000");
    }

    @Test
    void statsHaveEveryFigure() throws Exception {
        JsonNode s = ok("/stats");
        for (String f : List.of("height", "window_blocks", "window_ms", "block_time_ms", "tx_per_s", "txs_per_block",
                "results_per_block", "finality_ms", "finality_samples", "compute_ops", "gops", "workers_active",
                "active_workers", "validators", "commit_round", "validators_up", "validators_up_power_bps",
                "tasks_open", "mempool_size")) {
            assertThat(s.has(f)).as(f).isTrue();
        }
        assertThat(s.path("window_blocks").asLong()).isEqualTo(Math.min(100, s.path("height").asLong()));
        assertThat(s.path("validators").asInt()).isEqualTo(1);
        assertThat(s.path("tasks_open").asInt()).isEqualTo(1);
        assertThat(s.path("block_time_ms").asDouble()).isPositive();
        assertThat(s.path("txs_per_block").asDouble()).isPositive();
    }

    /**
     * The new figures recomputed here from the blocks, results and commit the node serves, by the definitions of
     * docs/api.md: they must agree exactly for the window /stats names by its height.
     */
    @Test
    void statsFinalityValidatorsUpAndGopsAreExact() throws Exception {
        JsonNode s = ok("/stats");
        long head = s.path("height").asLong();
        long first = Math.max(0, head - 100);
        java.util.Map<Long, JsonNode> headers = new java.util.HashMap<>();
        for (long before = head + 1; before > first; ) {
            JsonNode page = ok("/blocks?limit=100&before=" + before);
            for (JsonNode b : page.path("blocks")) headers.put(b.path("height").asLong(), b);
            before = page.path("blocks").get(page.path("blocks").size() - 1).path("height").asLong();
        }
        long blockMs = ok("/params").path("block_time_ms").asLong();
        long n = node.params.syntheticMatrixSize();
        List<Long> finality = new ArrayList<>();
        BigInteger ops = BigInteger.ZERO;
        int synthetic = 0;
        int market = 0;
        for (long h = first + 1; h <= head; h++) {
            JsonNode b = headers.get(h);
            if (h - 1 > 0 && b.path("round").asLong() == 0) {
                finality.add(Math.max(0, b.path("timestamp").asLong() - headers.get(h - 1).path("timestamp").asLong()
                        - blockMs));
            }
            if (b.path("result_count").asInt() == 0) continue;
            for (JsonNode r : ok("/block/" + h + "/results").path("results")) {
                boolean isMarket = r.path("kind").asText().equals("market");
                long side = isMarket ? TASK_N : n; // a synthetic market job is one n×n×n product
                ops = ops.add(BigInteger.valueOf(2 * side * side * side));
                if (isMarket) market++; else synthetic++;
            }
        }
        assertThat(synthetic).as("the setup's synthetic result is in the window").isEqualTo(1);
        assertThat(market).as("the setup's market job is in the window").isEqualTo(1);
        assertThat(s.path("compute_ops").bigIntegerValue()).isEqualTo(ops)
                .isEqualTo(BigInteger.valueOf(2 * n * n * n + 2L * TASK_N * TASK_N * TASK_N));
        long windowMs = headers.get(head).path("timestamp").asLong() - headers.get(first).path("timestamp").asLong();
        assertThat(s.path("window_ms").asLong()).isEqualTo(windowMs);
        assertThat(new BigDecimal(s.path("gops").asText())).isEqualByComparingTo(new BigDecimal(ops)
                .divide(BigDecimal.valueOf(windowMs).multiply(BigDecimal.valueOf(1_000_000)), 2, RoundingMode.HALF_EVEN));

        assertThat(s.path("finality_samples").asInt()).isEqualTo(finality.size()).isPositive();
        finality.sort(null);
        int mid = finality.size() / 2;
        BigDecimal median = finality.size() % 2 == 1 ? BigDecimal.valueOf(finality.get(mid))
                : BigDecimal.valueOf(finality.get(mid - 1) + finality.get(mid)).divide(BigDecimal.TWO);
        assertThat(new BigDecimal(s.path("finality_ms").asText())).isEqualByComparingTo(median);

        JsonNode commit = ok("/block/" + head).path("commit");
        assertThat(s.path("commit_round").asLong()).isEqualTo(commit.path("round").asLong());
        assertThat(s.path("validators_up").asInt()).isEqualTo(commit.path("signatures").size()).isEqualTo(1);
        assertThat(s.path("validators_up_power_bps").asInt()).isEqualTo(10_000); // the one validator has all power
    }

    @Test
    void searchFindsBlocksTransactionsAddressesAndTasks() throws Exception {
        JsonNode tx = ok("/tx/" + transfers.get(1));
        String blockHash = ok("/block/" + tx.path("block_height").asLong()).path("hash").asText();
        assertThat(ok("/search?q=1").path("results").get(0).path("kind").asText()).isEqualTo("block");
        assertThat(ok("/search?q=" + blockHash.toUpperCase()).path("results").get(0).path("id").asText())
                .isEqualTo(tx.path("block_height").asText());
        assertThat(ok("/search?q=" + transfers.get(1)).path("results").get(0).path("kind").asText()).isEqualTo("tx");
        assertThat(ok("/search?q=" + bob.address()).path("results").get(0).path("kind").asText()).isEqualTo("address");
        assertThat(ok("/search?q=" + taskId).path("results").get(0).path("kind").asText()).isEqualTo("task");
        assertThat(ok("/search?q=" + syntheticId).path("results").get(0).path("kind").asText()).isEqualTo("result");
        assertThat(ok("/search?q=" + UUID.randomUUID()).path("results")).isEmpty();
        assertThat(ok("/search?q=99999999").path("results")).isEmpty();
        assertThat(ok("/search?q=nothing").path("results")).isEmpty();
        bad("/search", "q must be 1 to 100 characters");
    }

    @Test
    void theExplorerIsServedWithAStrictContentSecurityPolicy() throws Exception {
        for (String path : List.of("/", "/explorer/app.js", "/explorer/style.css", "/explorer/icon.svg")) {
            HttpResponse<String> r = node.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                    "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        assertThat(node.get("/").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(node.get("/explorer/app.js").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/javascript");
        assertThat(node.get("/explorer/nope.js").statusCode()).isEqualTo(404);
        // a path outside the list never reaches the class path (Jetty may refuse the encoded slash itself)
        assertThat(node.get("/explorer/..%2Fapi%2Fopenapi.json").statusCode()).isIn(400, 404);
    }

    /**
     * The CSP forbids inline script; these rules keep the code honest beyond that: the page has no inline script or
     * handler, and no script turns strings into markup or code.
     */
    @Test
    void theExplorerNeverTurnsDataIntoMarkupOrCode() throws Exception {
        String html = resource("index.html");
        assertThat(html.replaceAll("<script type=\"module\" src=\"/explorer/app.js\"></script>", ""))
                .doesNotContain("<script").doesNotContainPattern("\\son[a-z]+=").doesNotContain("style=");
        for (String f : org.cpc.node.api.ExplorerAssets.FILES) {
            if (!f.endsWith(".js")) continue;
            assertThat(resource(f)).as(f).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML",
                    "document.write", "eval(", "new Function", "setAttribute('style'");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ExplorerApiTest.class.getResourceAsStream("/org/cpc/node/explorer/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
