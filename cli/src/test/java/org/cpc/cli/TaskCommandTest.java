package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.compute.testing.Int8Matrices.product;
import static org.cpc.compute.testing.Int8Matrices.randomMatrix;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import com.fasterxml.jackson.databind.JsonNode;
import org.cpc.client.NodeClient;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.FraudProofVerifier;
import org.cpc.compute.market.FraudVerdict;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/**
 * The customer's and the worker's commands in-process against a real devnet node and PoC validator on loopback:
 * {@code cpc worker start --pool} computes, {@code cpc task create --wait -o} publishes and fetches C, and
 * {@code task status|list|result} show it. Isolated: it computes and runs a node of its own, and the other CLI
 * tests hold timing windows (a synthetic result must land within 10 blocks of 200 ms).
 */
@Isolated
class TaskCommandTest {
    @TempDir
    Path dir;

    static Run cpc(String... args) {
        return Run.cpc(args);
    }

    private List<String> keyArgs() {
        return List.of("--keys-dir", dir.resolve("keys").toString(), "--password-file", dir.resolve("pw").toString());
    }

    private Run withKeys(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(keyArgs());
        return cpc(all.toArray(String[]::new));
    }

    @Test
    void aCustomerPublishesAMatmulTaskAndAPoolWorkerComputesIt() throws Exception {
        try (LiveMarket live = LiveMarket.start(dir)) {
            String nodeUrl = live.nodeUrl();
            NodeClient client = live.client();
            PocValidator v = live.validator();
            String alice = fundedKey(client, "alice", "50.0");
            assertThat(withKeys("keys", "add", "miner").exit()).isZero();

            List<String> worker = new ArrayList<>(List.of("worker", "start", "--key", "miner", "--pool",
                    v.workerUrl(), "--backend", "cpu", "--threads", "1", "--jobs", "2", "--stop-after", "7"));
            worker.addAll(keyArgs());
            Run[] workerRun = new Run[1];
            Thread w = Thread.ofPlatform().start(() -> workerRun[0] = cpc(worker.toArray(String[]::new)));

            Random rnd = new Random(9);
            int m = 16, k = 12, n = 8;
            byte[] a = randomMatrix(rnd, m, k);
            byte[] b = randomMatrix(rnd, k, n);
            Files.write(dir.resolve("A.bin"), a);
            Files.write(dir.resolve("B.bin"), b);
            Path c = dir.resolve("C.bin");
            Run create = withKeys("task", "create", "--type", "matmul", "--a", dir.resolve("A.bin").toString(),
                    "--b", dir.resolve("B.bin").toString(), "--m", "16", "--k", "12", "--n", "8",
                    "--rows-per-job", "4", "--reward", "2.0", "--deadline", "30m", "--from", "alice",
                    "--market", v.url(), "--node", nodeUrl, "--wait", "-o", c.toString());
            assertThat(create.exit()).as(create.err()).isZero();
            assertThat(create.out()).contains("task_id: ", "4 jobs", "status:  completed", "result: ");
            assertThat(Files.readAllBytes(c)).isEqualTo(product(a, b, m, k, n));
            String id = create.out().lines().filter(l -> l.startsWith("task_id: ")).findFirst().orElseThrow()
                    .substring(9);

            Run status = cpc("task", "status", id, "--market", v.url());
            assertThat(status.out()).contains("\"status\" : \"completed\"", "\"jobs_done\" : 4");
            assertThat(cpc("task", "list", "--market", v.url()).out()).contains(id, "completed", "4/4");
            Path c2 = dir.resolve("C2.bin");
            assertThat(cpc("task", "result", id, "-o", c2.toString(), "--market", v.url()).exit()).isZero();
            assertThat(Files.readAllBytes(c2)).isEqualTo(Files.readAllBytes(c));

            // A fraud proof of an entry of job 1 (rows 4..7), built from the market's blobs and result and checked
            // against the job's result_hash on L1: the entry is right, so there is nothing to dispute (exit 1).
            Path proof = dir.resolve("proof.json");
            Run dispute = cpc("task", "dispute", id, "--job", "1", "--row", "6", "--col", "5", "--out", proof.toString(),
                    "--market", v.url(), "--node", nodeUrl);
            assertThat(dispute.exit()).as(dispute.err()).isEqualTo(Cpc.EXIT_FAILED);
            int entry = ByteBuffer.wrap(Files.readAllBytes(c)).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * (6 * n + 5));
            assertThat(dispute.out()).contains("verdict: right", "C[6][5] of job 1", "committed entry " + entry);
            assertThat(dispute.err()).contains("nothing to dispute");
            JsonNode onL1 = NodeClient.require(client.get("/task/" + id));
            FraudProof p = FraudProof.fromJson(Json.parse(Files.readAllBytes(proof)));
            assertThat(FraudProofVerifier.verify(p, onL1.get("payload"), onL1.get("results").get(1).get("result_hash")
                    .textValue())).isEqualTo(new FraudVerdict.EntryRight(entry));
            Run printed = cpc("task", "dispute", id, "--job", "3", "--row", "15", "--col", "7", "--market", v.url(),
                    "--node", nodeUrl);
            assertThat(printed.out()).contains("\"a_row\"", "\"row_path\"", "verdict: right");
            Run outside = cpc("task", "dispute", id, "--job", "1", "--row", "9", "--col", "0", "--market", v.url(),
                    "--node", nodeUrl);
            assertThat(outside.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(outside.err()).contains("job 1 computes rows 4..7 of C, not row 9");

            // Inference: the compute module's CNN fixture, one sample per job; the result is its int8 outputs.
            Path onnx = Path.of("../compute/src/test/resources/onnx");
            Path y = dir.resolve("Y.bin");
            Run infer = withKeys("task", "create", "--type", "inference", "--model",
                    onnx.resolve("cnn_qdq.onnx").toString(), "--input", onnx.resolve("cnn_qdq.input.bin").toString(),
                    "--samples-per-job", "1", "--reward", "1.5", "--from", "alice", "--market", v.url(),
                    "--node", nodeUrl, "--wait", "-o", y.toString());
            assertThat(infer.exit()).as(infer.err()).isZero();
            assertThat(infer.out()).contains("3 jobs", "status:  completed");
            assertThat(Files.readAllBytes(y)).isEqualTo(Files.readAllBytes(onnx.resolve("cnn_qdq.expected.bin")));
            Run badModel = withKeys("task", "create", "--type", "inference", "--model",
                    onnx.resolve("unsupported.onnx").toString(), "--input", onnx.resolve("cnn_qdq.input.bin").toString(),
                    "--reward", "1.0", "--from", "alice", "--market", v.url(), "--node", nodeUrl);
            assertThat(badModel.exit()).isEqualTo(Cpc.EXIT_USAGE);
            assertThat(badModel.err()).contains("unsupported op Softmax");
            Run wideModel = withKeys("task", "create", "--type", "inference", "--model",
                    onnx.resolve("wide_conv.onnx").toString(), "--input", onnx.resolve("cnn_qdq.input.bin").toString(),
                    "--reward", "1.0", "--from", "alice", "--market", v.url(), "--node", nodeUrl);
            assertThat(wideModel.exit()).isEqualTo(Cpc.EXIT_USAGE);
            assertThat(wideModel.err()).contains("ConvInteger 'conv' (layer 0, Conv)", "reads 8 chunks",
                    "more than the 6 one fraud proof carries");

            w.join(30_000);
            assertThat(workerRun[0].exit()).as(workerRun[0].err()).isZero();
            assertThat(workerRun[0].err()).contains("jobs done 7");

            // With no worker left, a new task gets no accepted job: its creator may cancel it.
            Run done = withKeys("task", "cancel", id, "--from", "alice", "--market", v.url(), "--node", nodeUrl);
            assertThat(done.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(done.err()).contains("the Task Market refused the cancel", "is completed");
            Run idle = withKeys("task", "create", "--type", "synthetic", "--seed", "ab".repeat(32),
                    "--matrix-size", "8", "--iterations", "3", "--reward", "1.0", "--from", "alice",
                    "--market", v.url(), "--node", nodeUrl);
            assertThat(idle.exit()).as(idle.err()).isZero();
            String idleId = idle.out().lines().filter(l -> l.startsWith("task_id: ")).findFirst().orElseThrow()
                    .substring(9);
            org.cpc.poc.MarketClient market = new org.cpc.poc.MarketClient(v.url());
            long onChain = System.nanoTime() + 20_000_000_000L;
            while (!market.task(idleId).path("status").asText().equals("pending") && System.nanoTime() < onChain) {
                Thread.sleep(100);
            }
            Run notMine = withKeys("task", "cancel", idleId, "--from", "miner", "--market", v.url(), "--node", nodeUrl);
            assertThat(notMine.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(notMine.err()).contains("only the task's creator");
            Run cancel = withKeys("task", "cancel", idleId, "--from", "alice", "--market", v.url(), "--node", nodeUrl);
            assertThat(cancel.exit()).as(cancel.err()).isZero();
            assertThat(cancel.out()).contains("task_id: " + idleId, "status:  cancelled", "escrow goes back to " + alice);
            long settled = System.nanoTime() + 20_000_000_000L;
            while (!client.get("/task/" + idleId).body().path("status").asText().equals("cancelled")
                    && System.nanoTime() < settled) {
                Thread.sleep(100);
            }
            assertThat(client.get("/task/" + idleId).body().path("status").asText()).isEqualTo("cancelled");
            assertThat(cpc("task", "status", idleId, "--market", v.url()).out()).contains("\"status\" : \"cancelled\"");
            Run noKey = cpc("task", "cancel", idleId, "--market", v.url(), "--node", nodeUrl);
            assertThat(noKey.exit()).isEqualTo(Cpc.EXIT_USAGE);

            Run missing = withKeys("task", "create", "--type", "matmul", "--reward", "1.0", "--from", "alice",
                    "--market", v.url(), "--node", nodeUrl);
            assertThat(missing.exit()).isEqualTo(Cpc.EXIT_USAGE);
            assertThat(missing.err()).contains("matmul needs --a");
            Run unknown = cpc("task", "result", "00000000-0000-4000-8000-000000000000", "-o", c2.toString(),
                    "--market", v.url());
            assertThat(unknown.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(unknown.err()).contains("no task");
        }
    }

    /**
     * {@code --market auto} on a live devnet: the PoC validator announced its URL on chain; a second one, bonded more,
     * announces a URL where nothing answers. The command passes over the dead one, saying why, picks the live market,
     * shows it before signing, and the task is published there.
     */
    @Test
    void marketAutoPicksTheLargestBondedMarketThatAnswers() throws Exception {
        try (LiveMarket live = LiveMarket.start(dir)) {
            String nodeUrl = live.nodeUrl();
            NodeClient client = live.client();
            PocValidator v = live.validator();
            JsonNode listed = NodeClient.require(client.get("/pocs")).path("pocs");
            assertThat(listed).hasSize(1);
            assertThat(listed.get(0).path("endpoint").asText()).isEqualTo(v.url());
            assertThat(listed.get(0).path("name").asText()).isEqualTo(LiveMarket.NAME);

            String alice = fundedKey(client, "alice", "50.0");
            fundedKey(client, "ghost", "5.0");
            Run ghost = withKeys("tx", "bond", "--from", "ghost", "--role", "poc_validator", "--amount", "2",
                    "--endpoint", "http://127.0.0.1:1", "--name", "nobody home", "--node", nodeUrl);
            assertThat(ghost.exit()).as(ghost.err()).isZero();
            long until = System.nanoTime() + 20_000_000_000L;
            while (NodeClient.require(client.get("/pocs")).path("pocs").size() < 2 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            long nonceBefore = client.balance(alice).path("nonce").asLong();

            Run create = withKeys("task", "create", "--type", "synthetic", "--seed", "cd".repeat(32),
                    "--matrix-size", "8", "--iterations", "2", "--reward", "1.0", "--from", "alice",
                    "--market", "auto", "--node", nodeUrl);
            assertThat(create.exit()).as(create.err()).isZero();
            assertThat(create.err()).contains("--market auto: passing over", "http://127.0.0.1:1", "bond 2.0 CPC");
            List<String> lines = create.out().lines().toList();
            assertThat(lines.getFirst()).startsWith("market:  " + v.url() + " (--market auto: PoC validator "
                    + live.operator().address() + " \"" + LiveMarket.NAME + "\", bond 1.0 CPC");
            assertThat(lines.get(1)).startsWith("task_id: ");
            assertThat(create.out()).contains("--market " + v.url());
            String id = lines.get(1).substring(9);
            assertThat(new org.cpc.poc.MarketClient(v.url()).task(id).path("creator").asText()).isEqualTo(alice);
            assertThat(client.balance(alice).path("nonce").asLong()).isEqualTo(nonceBefore + 1);

            Run elsewhere = cpc("task", "status", id, "--market", "auto");
            assertThat(elsewhere.exit()).isEqualTo(Cpc.EXIT_USAGE);
            assertThat(elsewhere.err()).contains("--market auto is for task create");
        }
    }

    private String fundedKey(NodeClient client, String name, String cpc) throws Exception {
        assertThat(withKeys("keys", "add", name).exit()).isZero();
        String address = cpc("keys", "show", name, "--address", "--keys-dir", dir.resolve("keys").toString()).out().strip();
        NodeClient.require(client.post("/faucet", Json.object().put("address", address).put("amount", cpc)));
        long until = System.nanoTime() + 20_000_000_000L;
        while (client.balance(address).path("balance").asText().equals("0") && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        return address;
    }
}
