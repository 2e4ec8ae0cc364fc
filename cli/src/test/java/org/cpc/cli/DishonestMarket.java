package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.cpc.chain.market.JobDigest;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.compute.testing.Int8Matrices;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.market.BlobSource;
import org.cpc.compute.market.InferenceChallenge;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;

/**
 * A dishonest PoC validator, as a test double: it serves the part of a Task Market that a customer disputing a task
 * reads ({@code GET /blobs/{hash}}, {@code GET /tasks/{id}/result}, {@code GET /tasks/{id}/jobs/{job}/output}) on a
 * loopback port, and, bonded as a PoC validator on the real chain, accepts whatever its worker says: it puts a matmul
 * or inference task's jobs on L1 with the worker's signatures over the commitments of an output in which some entries
 * are wrong, as a PoC validator that skips its checks would. Everything it sends is signed for real and goes through the node's REST API.
 */
final class DishonestMarket implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> results = new ConcurrentHashMap<>();
    private final Map<String, byte[]> outputs = new ConcurrentHashMap<>();
    private final NodeClient client;
    private final NetworkParams params;
    final AccountKey poc;
    final AccountKey worker;

    DishonestMarket(NodeClient client, AccountKey poc, AccountKey worker) throws IOException {
        this.client = client;
        this.params = NetworkParams.fromJson(client.params());
        this.poc = poc;
        this.worker = worker;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/blobs/", ex -> serve(ex, blobs.get(last(ex))));
        server.createContext("/tasks/", ex -> {
            String[] parts = ex.getRequestURI().getPath().split("/");
            byte[] body = parts.length == 4 && parts[3].equals("result") ? results.get(parts[2])
                    : parts.length == 6 && parts[3].equals("jobs") && parts[5].equals("output")
                    ? outputs.get(parts[2] + "/" + parts[4]) : null;
            serve(ex, body);
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String last(HttpExchange ex) {
        String p = ex.getRequestURI().getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static void serve(HttpExchange ex, byte[] body) throws IOException {
        try (ex) {
            if (body == null) {
                byte[] err = "{\"error\":\"not found\"}".getBytes();
                ex.sendResponseHeaders(404, err.length);
                ex.getResponseBody().write(err);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /** Sends a transaction signed by {@code key} and waits until it is in a block; returns GET /tx/{hash}. */
    JsonNode include(Transaction tx) throws InterruptedException {
        NodeClient.Reply r = client.sendTransaction(tx);
        if (!r.ok()) throw new AssertionError(tx.txType() + " refused: " + r.error());
        long until = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < until) {
            JsonNode s = client.get("/tx/" + tx.hashHex()).body();
            if ("included".equals(s.path("status").asText())) return s;
            Thread.sleep(50);
        }
        throw new AssertionError(tx.txType() + " " + tx.hashHex() + " not included in 30 s");
    }

    TxBuilder builder(AccountKey key) {
        return TxBuilder.of(params, key).nonce(client.balance(key.address()).path("nonce").asLong())
                .gasPrice(params.minGasPrice()).timestamp(System.currentTimeMillis() / 1000);
    }

    /**
     * The customer's matmul task (published on L1 directly: this market has no {@code POST /tasks}), its inputs kept
     * here, and every job put on chain by this PoC validator with C's entries {@code wrong} = {row, col, value, …}
     * changed. Returns C as the dishonest market serves it.
     */
    byte[] runTask(AccountKey customer, String taskId, byte[] a, byte[] b, int m, int k, int n, int rowsPerJob,
                   BigInteger reward, int... wrong) throws InterruptedException {
        ObjectNode payload = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), m, k, n,
                rowsPerJob);
        put(a);
        put(b);
        include(builder(customer).createTask(new ComputeTask(taskId, "matmul", payload, reward,
                System.currentTimeMillis() / 1000 + 600)));
        byte[] c = Int8Matrices.product(a, b, m, k, n);
        ByteBuffer w = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < wrong.length; i += 3) w.putInt(4 * (wrong[i] * n + wrong[i + 1]), wrong[i + 2]);
        results.put(taskId, c);
        int jobs = (m + rowsPerJob - 1) / rowsPerJob;
        String[] hashes = new String[jobs];
        for (int j = 0; j < jobs; j++) {
            int from = 4 * n * rowsPerJob * j;
            byte[] out = Arrays.copyOfRange(c, from, Math.min(c.length, from + 4 * n * rowsPerJob));
            hashes[j] = Hex.encode(MatmulChallenge.INSTANCE.resultHash(payload, j, out));
        }
        putJobs(taskId, hashes);
        return c;
    }

    /**
     * The customer's inference task over {@code input} with the model {@code onnx}, every job run here and put on
     * chain by this PoC validator after {@code lie} changed its trace (job index, output), as a worker that lies would.
     */
    void runInferenceTask(AccountKey customer, String taskId, byte[] onnx, byte[] input, int samplesPerJob,
                          BigInteger reward, BiConsumer<Integer, byte[]> lie) throws InterruptedException {
        IntModel model = OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT);
        ObjectNode payload = InferenceChallenge.payload(model, put(onnx), put(input), MemorySegment.ofArray(input),
                input.length / model.input().size(), samplesPerJob);
        include(builder(customer).createTask(new ComputeTask(taskId, "inference", payload, reward,
                System.currentTimeMillis() / 1000 + 600)));
        BlobSource source = h -> MemorySegment.ofArray(blobs.get(h));
        String[] hashes = new String[InferenceChallenge.INSTANCE.jobCount(payload)];
        for (int j = 0; j < hashes.length; j++) {
            byte[] out = InferenceChallenge.INSTANCE.execute(payload, taskId, j, source, new JavaGemm(1));
            lie.accept(j, out);
            outputs.put(taskId + "/" + j, out);
            hashes[j] = Hex.encode(InferenceChallenge.INSTANCE.resultHash(payload, j, out, source));
        }
        putJobs(taskId, hashes);
    }

    private String put(byte[] blob) {
        String h = Hex.encode(Sha256.hash(blob));
        blobs.put(h, blob);
        return h;
    }

    /** Every job of the task on L1, sent by this PoC validator with its worker's signature over each result_hash. */
    private void putJobs(String taskId, String[] resultHashes) throws InterruptedException {
        Transaction last = null;
        TxBuilder tb = builder(poc);
        for (int j = 0; j < resultHashes.length; j++) {
            String rh = resultHashes[j];
            byte[] digest = JobDigest.of(taskId, worker.address(), rh, j);
            ComputeResult r = new ComputeResult(taskId, worker.address(), rh, null, (long) j,
                    Hex.encode(worker.signRecoverable(digest)));
            if (last != null) {
                NodeClient.Reply sent = client.sendTransaction(last);
                if (!sent.ok()) throw new AssertionError("job " + (j - 1) + " refused: " + sent.error());
            }
            last = tb.submitResult(r);
            tb = tb.nonce(last.nonce() + 1);
        }
        include(last);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static ObjectNode faucet(String address, String cpc) {
        return Json.object().put("address", address).put("amount", cpc);
    }
}
