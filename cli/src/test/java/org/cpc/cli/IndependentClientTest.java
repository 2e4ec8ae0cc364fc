package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.compute.testing.Int8Matrices.randomMatrix;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cpc.client.NodeClient;
import org.cpc.node.NodeRunner;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Every route of the node and of the Task Market, as clients the project did not write see them: Python's
 * {@code requests} (which asks for gzip, like every browser) and {@code curl --compressed}. Bodies must arrive whole
 * and decodable, HEAD must answer like GET without a body, and blobs and results must carry a strong ETag and resume
 * by {@code Range}. An earlier build declared the raw length while sending gzip, and cut such downloads short.
 */
@Isolated
class IndependentClientTest {
    /** Routes that are not plain request/answer and are checked apart (or, for the WebSocket, by the worker tests). */
    private static final Set<String> NOT_PLAIN = Set.of("GET /events", "GET /worker");

    @TempDir
    Path dir;

    @Test
    void pythonRequestsAndCurlGetWholeBodiesFromEveryRoute() throws Exception {
        Path script = Path.of(System.getProperty("cpc.root.dir", ".."), "test-clients", "http_check.py");
        assertThat(script).exists();
        Assumptions.assumeTrue(run(List.of("python3", "-c", "import requests")).exit() == 0,
                "skipped: python3 with the 'requests' package is not installed (apt-get install python3-requests)");
        try (LiveMarket live = LiveMarket.start(dir)) {
            NodeRunner node = live.node();
            String nodeUrl = live.nodeUrl();
            NodeClient client = live.client();
            PocValidator v = live.validator();
            AccountKey operator = live.operator();
            List<String> keys = List.of("--keys-dir", dir.resolve("keys").toString(), "--password-file",
                    dir.resolve("pw").toString());
            assertThat(Run.cpc(with(keys, "keys", "add", "alice")).exit()).isZero();
            assertThat(Run.cpc(with(keys, "keys", "add", "miner")).exit()).isZero();
            String alice = Run.cpc("keys", "show", "alice", "--address", "--keys-dir", dir.resolve("keys").toString())
                    .out().strip();
            String faucetTx = NodeClient.require(client.post("/faucet",
                    Json.object().put("address", alice).put("amount", "50.0"))).path("tx_hash").asText();
            Thread worker = Thread.ofPlatform().start(() -> Run.cpc(with(keys, "worker", "start", "--key", "miner",
                    "--pool", v.workerUrl(), "--backend", "cpu", "--threads", "1", "--stop-after", "2")));

            // A 300,000-byte blob and a 27,648-byte result: the sizes that came back cut short before.
            Random rnd = new Random(5);
            byte[] big = new byte[300_000];
            rnd.nextBytes(big);
            String bigHash = new org.cpc.poc.MarketClient(v.url()).uploadBlob(big).path("hash").asText();
            int m = 96, k = 64, n = 72;
            byte[] a = randomMatrix(rnd, m, k);
            byte[] b = randomMatrix(rnd, k, n);
            Files.write(dir.resolve("A.bin"), a);
            Files.write(dir.resolve("B.bin"), b);
            Run create = Run.cpc(with(keys, "task", "create", "--type", "matmul", "--a", dir.resolve("A.bin").toString(),
                    "--b", dir.resolve("B.bin").toString(), "--m", "96", "--k", "64", "--n", "72",
                    "--rows-per-job", "48", "--reward", "2.0", "--deadline", "30m", "--from", "alice",
                    "--market", v.url(), "--node", nodeUrl, "--wait", "-o", dir.resolve("C.bin").toString()));
            assertThat(create.exit()).as(create.err()).isZero();
            worker.join(60_000);
            String taskId = line(create.out(), "task_id: ");
            String resultHash = Hex.encode(Sha256.hash(Files.readAllBytes(dir.resolve("C.bin"))));
            assertThat(Files.size(dir.resolve("C.bin"))).isEqualTo(27_648);
            String miner = Run.cpc("keys", "show", "miner", "--address", "--keys-dir", dir.resolve("keys").toString())
                    .out().strip();

            Map<String, String> marketRoutes = new LinkedHashMap<>();
            marketRoutes.put("/tasks", "/tasks");
            marketRoutes.put("/tasks/{task_id}", "/tasks/" + taskId);
            marketRoutes.put("/workers", "/workers");
            marketRoutes.put("/workers/{address}", "/workers/" + miner);
            marketRoutes.put("/retention", "/retention");
            marketRoutes.put("/metrics", "/metrics");
            marketRoutes.put("/openapi.json", "/openapi.json");
            marketRoutes.put("/blobs/{hash}", null); // downloads, below
            marketRoutes.put("/tasks/{task_id}/result", null);
            marketRoutes.put("/tasks/{task_id}/jobs/{job}/output", "/tasks/" + taskId + "/jobs/0/output");
            Map<String, String> marketPosts = Map.of("/blobs", "/blobs", "/tasks", "/tasks",
                    "/tasks/{task_id}/cancel", "/tasks/" + taskId + "/cancel");
            coverAll(v.server().routes().stream().map(r -> r.method() + " " + r.path()).toList(),
                    marketRoutes, marketPosts);
            List<Map<String, String>> downloads = List.of(
                    Map.of("path", "/blobs/" + bigHash, "sha256", Hex.encode(Sha256.hash(big))),
                    Map.of("path", "/tasks/" + taskId + "/result", "sha256", resultHash));
            check(script, v.url(), marketRoutes.values().stream().filter(p -> p != null).toList(), List.of(),
                    downloads, List.of());

            Map<String, String> nodeRoutes = new LinkedHashMap<>();
            nodeRoutes.put("/status", "/status");
            nodeRoutes.put("/params", "/params");
            nodeRoutes.put("/block/latest", "/block/latest");
            nodeRoutes.put("/block/{height}", "/block/1");
            nodeRoutes.put("/block/{height}/results", "/block/1/results");
            nodeRoutes.put("/task/{task_id}", "/task/" + taskId);
            nodeRoutes.put("/worker/{address}", "/worker/" + miner);
            nodeRoutes.put("/tx/{hash}", "/tx/" + faucetTx);
            nodeRoutes.put("/balance/{address}", "/balance/" + alice);
            nodeRoutes.put("/validators", "/validators");
            String operatorAddress = operator.address();
            nodeRoutes.put("/validators/leaderboard", "/validators/leaderboard");
            nodeRoutes.put("/validators/jailed", "/validators/jailed");
            nodeRoutes.put("/validator/{address}", "/validator/" + operatorAddress);
            nodeRoutes.put("/delegator/{address}/delegations", "/delegator/" + operatorAddress + "/delegations");
            nodeRoutes.put("/delegator/{address}/rewards", "/delegator/" + operatorAddress + "/rewards");
            nodeRoutes.put("/delegator/{address}/unbonding", "/delegator/" + alice + "/unbonding");
            nodeRoutes.put("/supply", "/supply");
            nodeRoutes.put("/pocs", "/pocs");
            nodeRoutes.put("/audit/{task_id}", "/audit/" + taskId); // a market task: 404, as JSON
            nodeRoutes.put("/peers", "/peers");
            nodeRoutes.put("/evidence", "/evidence");
            nodeRoutes.put("/metrics", "/metrics");
            nodeRoutes.put("/openapi.json", "/openapi.json");
            nodeRoutes.put("/blocks", "/blocks?limit=5");
            nodeRoutes.put("/block/hash/{hash}", "/block/hash/"
                    + NodeClient.require(client.get("/block/1")).path("hash").asText());
            nodeRoutes.put("/block/{height}/txs", "/block/1/txs");
            nodeRoutes.put("/address/{address}/txs", "/address/" + alice + "/txs");
            nodeRoutes.put("/tasks", "/tasks");
            nodeRoutes.put("/stats", "/stats");
            nodeRoutes.put("/search", "/search?q=1");
            nodeRoutes.put("/", "/");
            nodeRoutes.put("/explorer/{file}", "/explorer/app.js");
            // POST routes with a body they refuse: the error must still arrive whole.
            Map<String, String> nodePosts = Map.of("/tx/send", "/tx/send", "/tx/batch", "/tx/batch", "/faucet", "/faucet");
            coverAll(node.server().routes().stream().map(r -> r.method() + " " + r.path()).toList(),
                    nodeRoutes, nodePosts);
            check(script, nodeUrl, nodeRoutes.values(), nodePosts.values(), List.of(), List.of("/events"));

            // curl, asking for compression: the bytes that arrive are the file.
            for (Map<String, String> d : downloads) {
                Path got = dir.resolve("curl.bin");
                Result r = run(List.of("curl", "-sS", "--fail", "--compressed", "-o", got.toString(), v.url() + d.get("path")));
                assertThat(r.exit()).as(r.out()).isZero();
                assertThat(Hex.encode(Sha256.hash(Files.readAllBytes(got)))).as("curl --compressed " + d.get("path"))
                        .isEqualTo(d.get("sha256"));
            }
        }
    }

    private static String[] with(List<String> tail, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(tail);
        return all.toArray(String[]::new);
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }

    /** Every route the server answers has a check: a new route without one fails here. */
    private static void coverAll(List<String> served, Map<String, String> gets, Map<String, String> posts) {
        for (String r : served) {
            if (NOT_PLAIN.contains(r)) continue;
            String path = r.substring(r.indexOf(' ') + 1);
            boolean covered = r.startsWith("GET ") ? gets.containsKey(path) : posts.containsKey(path);
            assertThat(covered).as("route %s has no independent-client check", r).isTrue();
        }
    }

    private void check(Path script, String base, java.util.Collection<String> routes, java.util.Collection<String> posts,
            List<Map<String, String>> downloads, List<String> streams) throws Exception {
        ObjectNode spec = Json.object();
        ArrayNode rs = spec.putArray("routes");
        routes.forEach(rs::add);
        ArrayNode ps = spec.putArray("posts");
        posts.forEach(ps::add);
        ArrayNode ss = spec.putArray("streams");
        streams.forEach(ss::add);
        ArrayNode ds = spec.putArray("downloads");
        for (Map<String, String> d : downloads) ds.addObject().put("path", d.get("path")).put("sha256", d.get("sha256"));
        Result r = run(List.of("python3", script.toString(), base, spec.toString()));
        assertThat(r.exit()).as("http_check.py against %s:%n%s", base, r.out()).isZero();
        assertThat(r.out()).contains(" 0 failed");
    }

    record Result(int exit, String out) {}

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
