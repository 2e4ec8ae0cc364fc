package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.compute.testing.Int8Matrices.product;
import static org.cpc.compute.testing.Int8Matrices.randomMatrix;
import static org.cpc.poc.MarketFixture.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Transaction;
import org.cpc.worker.PoolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on real RocksDB and real blob files, with a clock the test moves: unused blobs go after the grace period
 * (not while an unfinished task reads them, not when uploaded again), a finished task's records, outputs and result
 * go after the keep period and it then answers 410, across a restart; a sweep deletes at most its budget.
 */
class RetentionTest {
    @TempDir
    Path tmp;

    private final FakeLedger ledger = new FakeLedger();
    private final AccountKey validatorKey = newKey();
    private final AccountKey customer = newKey();
    private final AtomicLong nowMs = new AtomicLong(System.currentTimeMillis());
    private final InstantSource clock = () -> Instant.ofEpochMilli(nowMs.get());
    private long customerNonce;

    /** Results disputable for 10 blocks; sweeps are run by the test. */
    private static final Retention RETENTION = new Retention(10, Duration.ofDays(1), Duration.ofHours(1), 1000,
            Duration.ofHours(1));
    /** No dispute window: only the periods count. */
    private static final Retention NO_WINDOW = new Retention(0, Duration.ofDays(1), Duration.ofHours(1), 1000,
            Duration.ofHours(1));

    private PocConfig config(Retention r) {
        return MarketFixture.config(tmp).withRetention(r);
    }

    private void advance(Duration d) {
        nowMs.addAndGet(d.toMillis());
    }

    private String publish(MarketClient c, byte[] a, byte[] b, int m, int k, int n, int rowsPerJob) {
        Transaction tx = createTask(customer, ledger.params, "matmul", matmulPayload(a, b, m, k, n, rowsPerJob), "1.0",
                nowMs.get() / 1000 + 30 * 86_400, customerNonce++);
        return c.createTask(tx).path("task_id").asText();
    }

    private static boolean exists(PocValidator v, String hash) {
        return Files.exists(v.blobs().path(hash));
    }

    /** A job output kept as a file: under its result_hash in outputs/, beside blobs/ (never a blob itself). */
    private static boolean outputExists(PocValidator v, String resultHash) {
        return Files.exists(v.blobs().dir().resolveSibling("outputs").resolve(resultHash));
    }

    private static void assertStatus(Runnable call, int status, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(MarketClient.MarketException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void finishedTasksAndUnusedBlobsGoAfterTheirPeriodsAndTheTaskAnswers410() throws Exception {
        Random rnd = new Random(5);
        // Job outputs of 40 × 512 int32 (80 KiB) are files, not database records.
        int m = 80, k = 8, n = 512;
        byte[] a = randomMatrix(rnd, m, k);
        byte[] b = randomMatrix(rnd, k, n);
        String taskId;
        String resultHash;
        List<String> outputs = new ArrayList<>();
        String openId;
        String ha, hb, hc, hd, orphan, again;
        PocValidator v = PocValidator.start(config(RETENTION), validatorKey, ledger, clock);
        int port = v.port();
        try {
            MarketClient c = new MarketClient(v.url());
            ha = c.uploadBlob(a).path("hash").asText();
            hb = c.uploadBlob(b).path("hash").asText();
            orphan = c.uploadBlob(randomMatrix(rnd, 1, 100)).path("hash").asText();
            byte[] again1 = randomMatrix(rnd, 1, 100);
            again = c.uploadBlob(again1).path("hash").asText();
            Worker w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            taskId = publish(c, a, b, m, k, n, 40);
            await("task completed", () -> status(c, taskId).equals("completed"));
            w.stop();
            assertThat(c.result(taskId)).isEqualTo(product(a, b, m, k, n));
            resultHash = new MarketClient(v.url()).task(taskId).path("result_hash").asText();
            v.store().scan("j/" + taskId + "/", (key, rec) -> {
                assertThat(rec.path("output_hash").asText()).as("kept under its result_hash")
                        .isEqualTo(rec.path("result_hash").asText());
                outputs.add(rec.path("output_hash").asText());
            });
            assertThat(outputs).hasSize(2).allSatisfy(h -> {
                assertThat(outputExists(v, h)).isTrue();
                assertThat(exists(v, h)).as("not in the content-addressed blobs").isFalse();
            });
            // A second task no worker runs: it stays unfinished, and its inputs must stay however old they get.
            byte[] c8 = randomMatrix(rnd, 8, 8);
            byte[] d8 = randomMatrix(rnd, 8, 8);
            hc = c.uploadBlob(c8).path("hash").asText();
            hd = c.uploadBlob(d8).path("hash").asText();
            openId = publish(c, c8, d8, 8, 8, 8, 4);
            await("second task on chain", () -> status(c, openId).equals("pending"));

            assertThat(v.retention().sweep()).isEqualTo(new RetentionSweeper.Swept(0, 0, 0, 0));

            advance(Duration.ofMinutes(90));
            c.uploadBlob(again1); // uploaded again: young again
            RetentionSweeper.Swept s = v.retention().sweep();
            // The orphan; not the finished task's inputs while its results can be disputed (its window counts from
            // height 1, where the first sweep saw it ended), not the open task's, not the re-uploaded one.
            assertThat(s.tasks()).isZero();
            assertThat(s.blobs()).isOne();
            assertThat(s.bytes()).isEqualTo(100);
            assertThat(exists(v, ha) && exists(v, hb)).as("the disputable task's inputs").isTrue();
            ledger.height = 10;
            assertThat(v.retention().sweep().blobs()).isZero();
            ledger.height = 11; // the window of 10 blocks is over: the inputs go, not the outputs and result
            s = v.retention().sweep();
            assertThat(s.tasks()).isZero();
            assertThat(s.blobs()).isEqualTo(2);
            assertThat(s.bytes()).isEqualTo(a.length + b.length);
            for (String h : List.of(orphan, ha, hb)) assertThat(exists(v, h)).as(h).isFalse();
            for (String h : List.of(hc, hd, again, resultHash)) assertThat(exists(v, h)).as(h).isTrue();
            assertThat(outputs).allSatisfy(h -> assertThat(outputExists(v, h)).isTrue());
            assertThat(c.result(taskId)).isEqualTo(product(a, b, m, k, n));

            advance(Duration.ofDays(1));
            s = v.retention().sweep();
            assertThat(s.tasks()).isOne();
            assertThat(s.records()).isEqualTo(3); // the task's record and its two jobs'
            assertThat(s.blobs()).isEqualTo(4); // two outputs, the result, the re-uploaded orphan
            assertThat(v.store().get(org.cpc.poc.core.StoreKeys.task(taskId))).isNull();
            List<String> left = new ArrayList<>();
            v.store().scan("j/" + taskId + "/", (key, rec) -> left.add(key));
            assertThat(left).isEmpty();
            for (String h : outputs) assertThat(outputExists(v, h)).isFalse();
            assertThat(exists(v, resultHash)).isFalse();
            assertThat(exists(v, hc) && exists(v, hd)).as("the unfinished task's inputs").isTrue();
            assertStatus(() -> c.result(taskId), 410, "--keep-finished");
            assertStatus(() -> c.task(taskId), 410, "ended completed");
            assertStatus(() -> c.task("no-such-task"), 404, "no task");
            assertThat(status(c, openId)).isEqualTo("pending");
            assertThat(c.get("/retention").path("tasks_removed").asLong()).isOne();
            assertThat(c.get("/retention").path("blobs_removed").asLong()).isEqualTo(7);
        } finally {
            v.close();
        }
        try (PocValidator again2 = PocValidator.start(config(RETENTION).withPort(port), validatorKey, ledger, clock)) {
            MarketClient c = new MarketClient(again2.url());
            assertStatus(() -> c.result(taskId), 410, "removed");
            assertThat(status(c, openId)).isEqualTo("pending");
            assertThat(again2.retention().sweep()).isEqualTo(new RetentionSweeper.Swept(0, 0, 0, 0));
        }
    }

    /**
     * The sweep watches L1 for disputes of the tasks still disputable: a FRAUD_PROOF against one of this PoC
     * validator's jobs is logged, counted once ({@code cpc_poc_disputes}) and shown in GET /retention; one against
     * another PoC validator's job is not counted; an unreachable L1 only postpones the look.
     */
    @Test
    void disputesOfItsTasksAreSeenOnceAndShown() throws Exception {
        Random rnd = new Random(8);
        byte[] a = randomMatrix(rnd, 8, 8);
        byte[] b = randomMatrix(rnd, 8, 8);
        try (PocValidator v = PocValidator.start(config(RETENTION), validatorKey, ledger, clock)) {
            MarketClient c = new MarketClient(v.url());
            c.uploadBlob(a);
            c.uploadBlob(b);
            Worker w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            String id = publish(c, a, b, 8, 8, 8, 4);
            await("task completed", () -> status(c, id).equals("completed"));
            w.stop();
            String worker = ledger.accepted.get(0).workerAddress();
            ledger.disputes.put(id, List.of(
                    new Ledger.Dispute(id, 1, validatorKey.address(), worker, "ab".repeat(32), 7,
                            java.math.BigInteger.TEN, java.math.BigInteger.TWO),
                    new Ledger.Dispute(id, 0, newKey().address(), worker, "cd".repeat(32), 7,
                            java.math.BigInteger.ONE, java.math.BigInteger.ONE)));
            ledger.down = true;
            v.retention().sweep();
            assertThat(v.retention().view().path("disputes_seen").asInt()).isZero();
            ledger.down = false;
            v.retention().sweep();
            v.retention().sweep();
            JsonNode r = c.get("/retention");
            assertThat(r.path("dispute_windows_open").asInt()).isOne();
            assertThat(r.path("disputes_seen").asInt()).isOne();
            assertThat(r.path("disputes")).hasSize(1);
            assertThat(r.path("disputes").get(0).path("job").asInt()).isOne();
            assertThat(r.path("disputes").get(0).path("poc_slashed").asText()).isEqualTo("10");
            assertThat(v.driver().scrape()).contains("cpc_poc_disputes_total 1.0");
            ledger.height = 1 + RETENTION.disputeWindow(); // the window is over: nothing left to watch
            v.retention().sweep();
            assertThat(c.get("/retention").path("dispute_windows_open").asInt()).isZero();
        }
    }

    @Test
    void aSweepDeletesAtMostItsBudget() throws Exception {
        Retention two = new Retention(0, Duration.ofDays(1), Duration.ofHours(1), 2, Duration.ofHours(1));
        try (PocValidator v = PocValidator.start(config(two), validatorKey, ledger, clock)) {
            MarketClient c = new MarketClient(v.url());
            Random rnd = new Random(6);
            for (int i = 0; i < 5; i++) c.uploadBlob(randomMatrix(rnd, 1, 10 + i));
            advance(Duration.ofHours(2));
            assertThat(v.retention().sweep().blobs()).isEqualTo(2);
            assertThat(v.retention().sweep().blobs()).isEqualTo(2);
            assertThat(v.retention().sweep().blobs()).isEqualTo(1);
            assertThat(v.retention().sweep().blobs()).isZero();
        }
    }

    @Test
    void anOutputTwoTasksShareStaysUntilTheLastOfThemGoes() throws Exception {
        Random rnd = new Random(7);
        int m = 8, k = 8, n = 8; // small outputs: database records
        byte[] a = randomMatrix(rnd, m, k);
        byte[] b = randomMatrix(rnd, k, n);
        try (PocValidator v = PocValidator.start(config(NO_WINDOW), validatorKey, ledger, clock)) {
            MarketClient c = new MarketClient(v.url());
            c.uploadBlob(a);
            c.uploadBlob(b);
            Worker w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            String first = publish(c, a, b, m, k, n, 4);
            await("first task completed", () -> status(c, first).equals("completed"));
            advance(Duration.ofHours(12));
            String second = publish(c, a, b, m, k, n, 4); // the same jobs: the same outputs
            await("second task completed", () -> status(c, second).equals("completed"));
            w.stop();
            List<String> outputs = new ArrayList<>();
            v.store().scanBytes("o/", (key, rec) -> outputs.add(key));
            assertThat(outputs).hasSize(2);

            advance(Duration.ofHours(13)); // the first ended 25 h ago, the second 13 h ago
            RetentionSweeper.Swept s = v.retention().sweep();
            assertThat(s.tasks()).isOne();
            assertThat(s.records()).isEqualTo(3); // the first task's and its two jobs'; the shared outputs stay
            List<String> still = new ArrayList<>();
            v.store().scanBytes("o/", (key, rec) -> still.add(key));
            assertThat(still).isEqualTo(outputs);
            assertThat(c.result(second)).isEqualTo(product(a, b, m, k, n));
            assertStatus(() -> c.result(first), 410, "removed");

            advance(Duration.ofHours(12));
            s = v.retention().sweep();
            assertThat(s.tasks()).isOne();
            assertThat(s.records()).isEqualTo(5); // now the outputs too
            still.clear();
            v.store().scanBytes("o/", (key, rec) -> still.add(key));
            assertThat(still).isEmpty();
        }
    }

    @Test
    void aPolicyOutOfRangeIsRefusedWithItsReason() {
        assertThatThrownBy(() -> new Retention(-1, Duration.ofDays(1), Duration.ofHours(1), 10, Duration.ofMinutes(1)))
                .hasMessageContaining("dispute window");
        assertThatThrownBy(() -> new Retention(0, Duration.ofDays(-1), Duration.ofHours(1), 10, Duration.ofMinutes(1)))
                .hasMessageContaining("finished tasks");
        assertThatThrownBy(() -> new Retention(0, Duration.ofDays(1), Duration.ofHours(-1), 10, Duration.ofMinutes(1)))
                .hasMessageContaining("grace");
        assertThatThrownBy(() -> new Retention(0, Duration.ofDays(1), Duration.ofHours(1), 0, Duration.ofMinutes(1)))
                .hasMessageContaining("deletions per sweep");
        assertThatThrownBy(() -> new Retention(0, Duration.ofDays(1), Duration.ofHours(1), 10, Duration.ZERO))
                .hasMessageContaining("interval");
    }
}
