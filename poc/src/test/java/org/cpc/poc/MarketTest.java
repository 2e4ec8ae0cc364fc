package org.cpc.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.compute.testing.Int8Matrices.product;
import static org.cpc.compute.testing.Int8Matrices.randomMatrix;
import static org.cpc.poc.MarketFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.http.HttpService;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.worker.PoolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PoC validator against an in-memory L1 ({@link FakeLedger}) and real pool workers over WebSocket on loopback:
 * tasks complete with the right product, wrong outputs are caught and redone, dead workers' jobs move on, a restart
 * loses nothing, and bad requests get clear 4xx answers.
 */
class MarketTest {
    @TempDir
    Path tmp;

    private final FakeLedger ledger = new FakeLedger();
    private final AccountKey validatorKey = newKey();
    private final AccountKey customer = newKey();
    private long customerNonce;

    private record Inputs(byte[] a, byte[] b, String ha, String hb) {}

    private Inputs upload(MarketClient c, int m, int k, int n, long seed) {
        Random rnd = new Random(seed);
        byte[] a = randomMatrix(rnd, m, k);
        byte[] b = randomMatrix(rnd, k, n);
        JsonNode ua = c.uploadBlob(a);
        JsonNode ub = c.uploadBlob(b);
        assertThat(ua.path("hash").asText()).isEqualTo(Hex.encode(Sha256.hash(a)));
        assertThat(ua.path("size").asLong()).isEqualTo(a.length);
        return new Inputs(a, b, ua.path("hash").asText(), ub.path("hash").asText());
    }

    private String publish(MarketClient c, Inputs in, int m, int k, int n, int rowsPerJob) {
        Transaction tx = createTask(customer, ledger.params, "matmul", matmulPayload(in.a, in.b, m, k, n, rowsPerJob),
                "10.0", System.currentTimeMillis() / 1000 + 3600, customerNonce++);
        JsonNode r = c.createTask(tx);
        assertThat(r.path("status").asText()).isEqualTo("publishing");
        assertThat(r.path("tx_hash").asText()).isEqualTo(tx.hashHex());
        return r.path("task_id").asText();
    }

    private void assertOneSignedResultPerJob(String taskId, int jobs) {
        var mine = ledger.accepted.stream().filter(r -> r.taskId().equals(taskId)).toList();
        assertThat(mine).hasSize(jobs);
        assertThat(mine.stream().map(ComputeResult::nonce).distinct().count()).isEqualTo(jobs);
        for (ComputeResult r : mine) {
            byte[] pub = Secp256k1.get().recover(PoolProtocol.resultDigest(r.taskId(), r.workerAddress(), r.resultHash(),
                    null, r.nonce()), Hex.decode(r.signature()));
            assertThat(Address.account(pub)).isEqualTo(r.workerAddress());
            assertThat(r.proof()).isNull();
        }
    }

    @Test
    void aTaskCompletesWithTheReferenceProduct() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            int m = 48, k = 40, n = 24;
            Inputs in = upload(c, m, k, n, 1);
            Worker w1 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            Worker w2 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            String id = publish(c, in, m, k, n, 5);
            await("task completed", () -> status(c, id).equals("completed"));
            byte[] result = c.result(id);
            assertThat(result).isEqualTo(product(in.a, in.b, m, k, n));
            JsonNode t = c.task(id);
            assertThat(t.path("jobs_total").asInt()).isEqualTo(10);
            assertThat(t.path("jobs_done").asInt()).isEqualTo(10);
            assertThat(t.path("result_hash").asText()).isEqualTo(Hex.encode(Sha256.hash(result)));
            assertThat(t.path("reward").asText()).isEqualTo("10.0");
            assertThat(workersOf(t)).isNotEmpty().isSubsetOf(w1.worker().address(), w2.worker().address());
            assertOneSignedResultPerJob(id, 10);
            assertThat(c.list("completed", "matmul", 10, 0).path("total").asInt()).isEqualTo(1);
            assertThat(c.list("failed", null, 10, 0).path("total").asInt()).isZero();
            await("acks counted", () -> w1.worker().status().done() + w2.worker().status().done() == 10);
            w1.stop();
            w2.stop();
        }
    }

    @Test
    void wrongRowsAreCaughtAndTheJobIsRedoneByAnHonestWorker() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            int m = 32, k = 16, n = 16;
            Inputs in = upload(c, m, k, n, 2);
            AccountKey cheatKey = newKey();
            Worker cheat = startWorker(v.workerUrl(), cheatKey, PoolWorker.Options.defaults().withMaxJobs(4)
                    .withFilter((type, index, out) -> {
                        byte[] bad = out.clone();
                        bad[bad.length - 1] ^= 0x40; // one entry of the last row, off by 2^30
                        return bad;
                    }));
            await("cheat connected", () -> cheat.worker().status().connected());
            String id = publish(c, in, m, k, n, 8);
            await("the cheat was caught", () -> cheat.worker().status().rejected() >= 1);
            Worker honest = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            await("task completed", () -> status(c, id).equals("completed"));
            assertThat(c.result(id)).isEqualTo(product(in.a, in.b, m, k, n));
            assertThat(workersOf(c.task(id))).containsExactly(honest.worker().address());
            assertThat(cheat.worker().status().done()).isZero();
            JsonNode record = c.get("/workers/" + cheatKey.address());
            assertThat(record.path("faults_total").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(record.path("faults").get(0).path("reason").asText()).contains("Freivalds");
            assertOneSignedResultPerJob(id, 4);
            cheat.stop();
            honest.stop();
        }
    }

    @Test
    void aWorkerKilledMidJobLosesItsJobsToAnother() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            int m = 16, k = 8, n = 8;
            Inputs in = upload(c, m, k, n, 3);
            Worker slow = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(4)
                    .withJobDelay(Duration.ofSeconds(30)));
            await("slow connected", () -> slow.worker().status().connected());
            String id = publish(c, in, m, k, n, 4);
            await("slow worker holds jobs", () -> slow.worker().status().inFlight() == 4);
            slow.worker().kill();
            Worker honest = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            await("task completed", () -> status(c, id).equals("completed"));
            assertThat(c.result(id)).isEqualTo(product(in.a, in.b, m, k, n));
            assertThat(workersOf(c.task(id))).containsExactly(honest.worker().address());
            honest.stop();
        }
    }

    /**
     * The chaos scenario's finding: L1 took a CREATE_TASK whose answer never came back, the Task Market said 503 and
     * forgot the task, and L1 held the escrow to the deadline with no worker given a job. Now the task is kept
     * (202) and published when L1 answers, whether L1 had taken it (the answer lost) or not (L1 down).
     */
    @Test
    void aTaskIsKeptAndPublishedWhenL1CannotBeAskedToTakeIt() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            int m = 8, k = 8, n = 8;
            Inputs in = upload(c, m, k, n, 11);
            Worker w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            for (String outage : new String[] {"answer lost", "L1 down"}) {
                Transaction tx = createTask(customer, ledger.params, "matmul", matmulPayload(in.a, in.b, m, k, n, 4),
                        "1.0", System.currentTimeMillis() / 1000 + 3600, customerNonce++);
                if (outage.equals("answer lost")) ledger.loseAnswers = true;
                else ledger.down = true;
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(v.url() + "/tasks")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Jcs.canonicalize(tx.toJson()))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(outage).isEqualTo(202);
                JsonNode body = Json.parse(r.body());
                assertThat(body.path("status").asText()).isEqualTo("publishing");
                assertThat(body.path("note").asText()).contains("could not be reached", "sends its CREATE_TASK again");
                String id = body.path("task_id").asText();
                // With the answer lost L1 has the task, and the outbox may have seen it included already.
                assertThat(status(c, id)).isIn(outage.equals("L1 down") ? List.of("publishing")
                        : List.of("publishing", "pending", "in_progress", "completed"));
                ledger.loseAnswers = false;
                ledger.down = false;
                await("task completed after: " + outage, () -> status(c, id).equals("completed"));
                assertThat(c.result(id)).isEqualTo(product(in.a, in.b, m, k, n));
                assertThat(ledger.included).containsKey(tx.hashHex());
                assertOneSignedResultPerJob(id, 2);
            }
            w.stop();
        }
    }

    @Test
    void aSlowWorkersJobsTimeOutAndMoveOn() throws Exception {
        try (PocValidator v = start(config(tmp).withJobTimeout(Duration.ofMillis(500)), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            int m = 8, k = 8, n = 8;
            Inputs in = upload(c, m, k, n, 4);
            Worker slow = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2)
                    .withJobDelay(Duration.ofSeconds(20)));
            await("slow connected", () -> slow.worker().status().connected());
            String id = publish(c, in, m, k, n, 4);
            await("slow worker holds jobs", () -> slow.worker().status().inFlight() == 2);
            Worker fast = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            await("task completed", () -> status(c, id).equals("completed"));
            assertThat(c.result(id)).isEqualTo(product(in.a, in.b, m, k, n));
            slow.worker().kill();
            fast.stop();
        }
    }

    @Test
    void aRestartedValidatorPicksUpWhereItWas() throws Exception {
        int m = 40, k = 16, n = 16;
        String id;
        Inputs in;
        int port;
        Worker w;
        PocValidator v = start(config(tmp), validatorKey, ledger);
        MarketClient c = new MarketClient(v.url());
        port = v.port();
        in = upload(c, m, k, n, 5);
        w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(1)
                .withJobDelay(Duration.ofMillis(150)));
        id = publish(c, in, m, k, n, 4);
        await("some jobs done", () -> c.task(id).path("jobs_done").asInt() >= 3);
        v.close();
        int doneBefore = ledger.accepted.size();
        assertThat(doneBefore).isLessThan(10);
        // Every job the worker was told was accepted had its record synced first.
        long acked = w.worker().status().done();
        try (PocValidator again = start(config(tmp).withPort(port), validatorKey, ledger)) {
            MarketClient c2 = new MarketClient(again.url());
            assertThat(c2.task(id).path("jobs_done").asInt()).isGreaterThanOrEqualTo(3)
                    .isGreaterThanOrEqualTo((int) acked);
            await("task completed after the restart", () -> status(c2, id).equals("completed"));
            assertThat(c2.result(id)).isEqualTo(product(in.a, in.b, m, k, n));
            assertOneSignedResultPerJob(id, 10);
        }
        w.stop();
    }

    @Test
    void syntheticJobsAreRunTwiceWhenTheDuplicateProbabilityIsOne() throws Exception {
        try (PocValidator v = start(config(tmp).withDuplicateProbability(1), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            Worker w1 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            Worker w2 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            await("both connected", () -> w1.worker().status().connected() && w2.worker().status().connected());
            ObjectNode p = Json.object();
            p.put("seed", "ef".repeat(32));
            p.put("matrix_size", 32);
            p.put("iterations", 6);
            String id = c.createTask(createTask(customer, ledger.params, "synthetic", p, "3.0",
                    System.currentTimeMillis() / 1000 + 600, customerNonce++)).path("task_id").asText();
            await("task completed", () -> status(c, id).equals("completed"));
            // every job ran on both workers and the two agreed
            await("both acks", () -> w1.worker().status().done() + w2.worker().status().done() == 12);
            byte[] result = c.result(id);
            assertThat(result).hasSize(6 * 32);
            for (int i = 0; i < 6; i++) {
                byte[] expected = org.cpc.compute.market.SyntheticChallenge.INSTANCE.mergePart(p, i,
                        org.cpc.compute.market.SyntheticChallenge.INSTANCE.execute(p, id, i, null,
                                org.cpc.compute.gemm.Backends.select("cpu", 1).gemm()));
                assertThat(java.util.Arrays.copyOfRange(result, 32 * i, 32 * i + 32)).isEqualTo(expected);
            }
            assertOneSignedResultPerJob(id, 6);
            w1.stop();
            w2.stop();
        }
    }

    @Test
    void aTaskWithNoAcceptedJobIsCancelledByItsCreatorAndItsJobsAreWithdrawn() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode p = Json.object();
        p.put("seed", "cd".repeat(32));
        p.put("matrix_size", 8);
        p.put("iterations", 4);
        String id;
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            id = c.createTask(createTask(customer, ledger.params, "synthetic", p, "1.0", now + 600, customerNonce++))
                    .path("task_id").asText();
            await("task on chain", () -> status(c, id).equals("pending"));
            // A worker that holds its jobs for long: they are out when the cancel comes.
            Worker slow = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2)
                    .withJobDelay(Duration.ofSeconds(20)));
            await("two jobs out", () -> c.get("/workers").path("workers").path(0).path("jobs_in_flight").asInt() == 2);

            AccountKey stranger = newKey();
            assertStatus(() -> c.cancelTask(id, MarketClient.cancelTaskTx(stranger, ledger.params, id, 0, now)), 403,
                    "only the task's creator");
            assertStatus(() -> c.cancelTask(id, MarketClient.cancelTaskTx(customer, ledger.params,
                    "00000000-0000-4000-8000-000000000000", customerNonce, now)), 400, "payload must be");
            // L1 refuses this one (a nonce from the future): the task goes on and its jobs go out again.
            assertStatus(() -> c.cancelTask(id, MarketClient.cancelTaskTx(customer, ledger.params, id,
                    customerNonce + 5, now)), 422, "L1 refused the CANCEL_TASK");
            assertThat(status(c, id)).isEqualTo("pending");
            await("jobs out again", () -> c.get("/workers").path("workers").path(0).path("jobs_in_flight").asInt() == 2);

            Transaction cancel = MarketClient.cancelTaskTx(customer, ledger.params, id, customerNonce++, now);
            JsonNode r = c.cancelTask(id, cancel);
            assertThat(r.path("status").asText()).isEqualTo("cancelled");
            assertThat(r.path("tx_hash").asText()).isEqualTo(cancel.hashHex());
            assertThat(ledger.included).containsKey(cancel.hashHex());
            assertThat(c.get("/workers").path("workers").path(0).path("jobs_in_flight").asInt()).isZero();
            assertThat(c.get("/workers").path("jobs_queued").asInt()).isZero();
            assertStatus(() -> c.cancelTask(id, MarketClient.cancelTaskTx(customer, ledger.params, id, customerNonce,
                    now)), 409, "is cancelled");
            slow.worker().stop();
        }
        try (PocValidator again = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(again.url());
            assertThat(status(c, id)).isEqualTo("cancelled");
            assertThat(c.task(id).path("jobs_done").asInt()).isZero();
        }
        assertThat(ledger.accepted).noneMatch(res -> res.taskId().equals(id));
    }

    @Test
    void aTaskWithAnAcceptedJobIsNotCancelled() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode p = Json.object();
        p.put("seed", "ab".repeat(32));
        p.put("matrix_size", 8);
        p.put("iterations", 2);
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            Worker w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(1));
            String id = c.createTask(createTask(customer, ledger.params, "synthetic", p, "1.0", now + 600,
                    customerNonce++)).path("task_id").asText();
            await("a job accepted", () -> c.task(id).path("jobs_done").asInt() >= 1);
            assertStatus(() -> c.cancelTask(id, MarketClient.cancelTaskTx(customer, ledger.params, id, customerNonce,
                    now)), 409, "accepted jobs");
            await("task completed", () -> status(c, id).equals("completed"));
            w.stop();
        }
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        try (PocValidator v = start(config(tmp).withMaxBlobBytes(1000), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            assertThatThrownBy(() -> c.uploadBlob(new byte[1001]))
                    .isInstanceOfSatisfying(MarketClient.MarketException.class, e -> {
                        assertThat(e.status()).isEqualTo(413);
                        assertThat(e.getMessage()).contains("1000 bytes");
                    });
            String known = c.uploadBlob(new byte[64]).path("hash").asText();
            String unknown = "ab".repeat(32);
            long deadline = System.currentTimeMillis() / 1000 + 600;
            // unknown blob
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul",
                    matmulPayload(unknown, known, 8, 8, 8, 4), "1.0", deadline, 0)), 422, "POST /blobs");
            // a blob of the wrong size for its matrix
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul",
                    matmulPayload(known, known, 8, 16, 8, 4), "1.0", deadline, 0)), 422, "128 bytes");
            // jobs whose results would be larger than a result frame may be
            try (PocValidator small = start(config(tmp.resolve("small")).withMaxResultBytes(2048), newKey(), ledger)) {
                MarketClient sc = new MarketClient(small.url());
                sc.uploadBlob(new byte[1]);
                sc.uploadBlob(new byte[1000]);
                assertStatus(() -> sc.createTask(createTask(customer, ledger.params, "matmul",
                        matmulPayload(new byte[1], new byte[1000], 1, 1, 1000, 1), "1.0", deadline, 0)), 422, "lower rows_per_job");
            }
            // malformed payloads
            ObjectNode bad = matmulPayload(known, known, 8, 8, 8, 4);
            bad.put("m", -1);
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul", bad, "1.0", deadline, 0)),
                    400, "payload.m");
            ObjectNode extra = matmulPayload(known, known, 8, 8, 8, 4);
            extra.put("c", 1);
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul", extra, "1.0", deadline, 0)),
                    400, "unknown field 'c'");
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "training", Json.object(), "1.0",
                    deadline, 0)), 400, "unknown challenge_type");
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "inference", Json.object(), "1.0",
                    deadline, 0)), 400, "inference payload is missing 'model'");
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul",
                    matmulPayload(known, known, 8, 8, 8, 4), "1.0", 1000, 0)), 400, "deadline");
            assertStatus(() -> c.get("/tasks/nope"), 404, "no task");
            assertStatus(() -> c.get("/tasks?status=done"), 400, "status must be");
            assertStatus(() -> c.get("/tasks?limit=0"), 400, "limit");
            assertStatus(() -> c.get("/blobs/xyz"), 400, "not a blob hash");
            assertStatus(() -> c.get("/blobs/" + unknown), 404, "no blob");
            assertStatus(() -> c.get("/nowhere"), 404, "openapi.json");
            // L1 refuses (wrong nonce): the refusal is passed on, nothing is recorded
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul",
                    matmulPayload(new byte[64], new byte[64], 8, 8, 8, 4), "1.0", deadline, 7)), 422, "L1 refused");
            assertThat(c.list(null, null, 10, 0).path("total").asInt()).isZero();
            // a result before the task is done
            // trace roots that are not the blobs'
            ObjectNode wrongRoot = matmulPayload(new byte[64], new byte[64], 8, 8, 8, 4);
            String aRoot = wrongRoot.get("a_root").textValue();
            wrongRoot.put("a_root", "11".repeat(32));
            assertStatus(() -> c.createTask(createTask(customer, ledger.params, "matmul", wrongRoot, "1.0", deadline, 0)),
                    422, "matmul payload.a_root is " + "11".repeat(32) + ", but the rows of blob a have the root " + aRoot);
            String id = c.createTask(createTask(customer, ledger.params, "matmul",
                    matmulPayload(new byte[64], new byte[64], 8, 8, 8, 4), "1.0", deadline, 0)).path("task_id").asText();
            assertStatus(() -> c.result(id), 409, "no result yet");
            JsonNode openapi = c.get("/openapi.json");
            for (HttpService.Route r : v.server().routes()) {
                assertThat(openapi.path("paths").has(r.path())).as(r.toString()).isTrue();
            }
            // a node's block explorer, on another origin, reads a task's progress: GET across origins, nothing else
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Void> read = http.send(HttpRequest.newBuilder(URI.create(v.url() + "/tasks/" + id)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            HttpResponse<Void> write = http.send(HttpRequest.newBuilder(URI.create(v.url() + "/tasks"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(write.statusCode()).isEqualTo(400);
            assertThat(write.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    private static void assertStatus(Runnable call, int status, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(MarketClient.MarketException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void anAgreeingDuplicateWorkerIsPaidOnceAcrossARestart() throws Exception {
        PocConfig config = config(tmp).withDuplicateProbability(1);
        ledger.holdTransfers = true; // payments reach the mempool but no block until the validator is down
        int m = 16, k = 8, n = 8;
        PocValidator v = start(config, validatorKey, ledger);
        int port = v.port();
        MarketClient c = new MarketClient(v.url());
        Inputs in = upload(c, m, k, n, 7);
        Worker w1 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
        Worker w2 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
        await("both workers connected", () -> v.workers().path("workers").size() == 2);
        String id = publish(c, in, m, k, n, 4);
        await("every duplicate run's payment sent", () -> {
            JsonNode p = c.task(id).path("audit_payments");
            if (p.size() != 4) return false;
            for (JsonNode a : p) if (!a.has("tx_hash")) return false;
            return true;
        });
        assertThat(ledger.transfersFrom(validatorKey.address())).isEmpty();
        v.close();
        ledger.releaseTransfers(); // included while the PoC validator is down
        try (PocValidator again = start(config.withPort(port), validatorKey, ledger)) {
            MarketClient c2 = new MarketClient(again.url());
            await("every payment seen on L1", () -> {
                for (JsonNode a : c2.task(id).path("audit_payments")) if (!a.path("status").asText().equals("paid")) return false;
                return true;
            });
            assertThat(status(c2, id)).isEqualTo("completed");
            assertThat(c2.result(id)).isEqualTo(product(in.a, in.b, m, k, n));
            Thread.sleep(600); // a few more L1 passes: nothing more may be sent
            // The PoC part of one job's share: floor(floor(10 CPC / 4 jobs) × poc bps / 10000).
            BigInteger pay = Amounts.parseCpc("2.5")
                    .multiply(BigInteger.valueOf(ledger.params.marketPocShareBps()))
                    .divide(BigInteger.valueOf(10_000));
            var transfers = ledger.transfersFrom(validatorKey.address());
            assertThat(transfers).as("one payment per audited job, not one more after the restart").hasSize(4);
            JsonNode payments = c2.task(id).path("audit_payments");
            for (JsonNode a : payments) {
                Transaction t = ledger.included.get(a.path("tx_hash").asText());
                assertThat(t.toAddress()).isEqualTo(a.path("worker").asText());
                assertThat(t.amount()).isEqualTo(pay);
                assertThat(a.path("amount_wei").asText()).isEqualTo(pay.toString());
                ComputeResult first = ledger.accepted.stream()
                        .filter(r -> r.taskId().equals(id) && r.nonce() == a.path("job").asLong()).findFirst().orElseThrow();
                assertThat(first.workerAddress()).as("the auditor is the other worker").isNotEqualTo(t.toAddress());
            }
        }
        w1.stop();
        w2.stop();
    }
}
