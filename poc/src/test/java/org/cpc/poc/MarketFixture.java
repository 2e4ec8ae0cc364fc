package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.cpc.worker.PoolWorker;
import org.cpc.worker.StatusReporter;

/** Shared pieces of the PoC validator tests: keys, matrices, workers, waiting. */
final class MarketFixture {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private MarketFixture() {}

    static AccountKey newKey() {
        return AccountKey.of(Secp256k1.randomPrivateKey());
    }

    /** The payload of a task over these inputs, trace roots computed. */
    static ObjectNode matmulPayload(byte[] a, byte[] b, int m, int k, int n, int rowsPerJob) {
        return MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), m, k, n, rowsPerJob);
    }

    /** A payload naming blobs by hash with made-up trace roots: for requests refused before the roots are checked. */
    static ObjectNode matmulPayload(String a, String b, int m, int k, int n, int rowsPerJob) {
        ObjectNode p = Json.object();
        p.put("a", a);
        p.put("b", b);
        p.put("a_root", "00".repeat(32));
        p.put("b_root", "00".repeat(32));
        p.put("m", m);
        p.put("k", k);
        p.put("n", n);
        p.put("rows_per_job", rowsPerJob);
        return p;
    }

    static Transaction createTask(AccountKey customer, NetworkParams params, String type, ObjectNode payload,
                                  String rewardCpc, long deadline, long nonce) {
        ComputeTask t = MarketClient.newTask(type, payload, Amounts.parseCpc(rewardCpc), deadline);
        return MarketClient.createTaskTx(customer, params, t, nonce, System.currentTimeMillis() / 1000);
    }

    record Worker(PoolWorker worker, Thread thread) {
        void stop() throws InterruptedException {
            worker.stop();
            worker.awaitStopped(Duration.ofSeconds(5));
            thread.join(5000);
        }
    }

    static Worker startWorker(String wsUrl, AccountKey key, PoolWorker.Options options) {
        PoolWorker w = new PoolWorker(URI.create(wsUrl), key, Backends.select("cpu", 1), new StatusReporter(
                new PrintWriter(new ByteArrayOutputStream(), true), false), options);
        Thread t = Thread.ofPlatform().name("pool-worker-" + key.address().substring(0, 10)).daemon().start(w);
        return new Worker(w, t);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(20);
        }
    }

    static PocConfig config(Path dir) {
        return PocConfig.defaults(dir).withPort(0).withDuplicateProbability(0).withHeartbeat(Duration.ofSeconds(1));
    }

    static PocValidator start(PocConfig config, AccountKey key, Ledger ledger) {
        return PocValidator.start(config, key, ledger, InstantSource.system());
    }

    static String status(MarketClient c, String taskId) {
        JsonNode t = c.task(taskId);
        return t.path("status").asText();
    }

    static List<String> workersOf(JsonNode task) {
        List<String> out = new ArrayList<>();
        task.path("workers").forEach(w -> out.add(w.asText()));
        return out;
    }
}
