package org.cpc.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.poc.MarketFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.market.InferenceChallenge;
import org.cpc.compute.market.InferenceCommitment;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Transaction;
import org.cpc.worker.PoolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference tasks end to end: a real PoC validator ({@link FakeLedger} for L1) and real pool workers run the committed
 * ONNX fixtures of the compute module; the merged result is the fixture's expected output byte for byte, a worker
 * that changes one activation is caught by the per-layer check, and a payload whose commitment is not the model's,
 * or whose model has an entry no fraud proof can carry, is refused when the task is created.
 */
class InferenceMarketTest {
    private static final Path FIXTURES = Path.of("../compute/src/test/resources/onnx");

    @TempDir
    Path tmp;

    private final FakeLedger ledger = new FakeLedger();
    private final AccountKey validatorKey = newKey();
    private final AccountKey customer = newKey();
    private long customerNonce;

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(FIXTURES.resolve(name));
    }

    private ObjectNode upload(MarketClient c, String name, int samplesPerJob) throws IOException {
        byte[] onnx = fixture(name + ".onnx");
        IntModel model = OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT);
        byte[] input = fixture(name + ".input.bin");
        String m = c.uploadBlob(onnx).path("hash").asText();
        String in = c.uploadBlob(input).path("hash").asText();
        return InferenceChallenge.payload(model, m, in, java.lang.foreign.MemorySegment.ofArray(input),
                input.length / model.input().size(), samplesPerJob);
    }

    private String publish(MarketClient c, ObjectNode payload) {
        Transaction tx = createTask(customer, ledger.params, "inference", payload, "3.0",
                System.currentTimeMillis() / 1000 + 3600, customerNonce++);
        return c.createTask(tx).path("task_id").asText();
    }

    @Test
    void aCnnTaskCompletesWithTheReferenceOutput() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            Worker w = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            String id = publish(c, upload(c, "cnn_qdq", 1));
            await("task completed", () -> status(c, id).equals("completed"));
            assertThat(c.result(id)).isEqualTo(fixture("cnn_qdq.expected.bin"));
            JsonNode t = c.task(id);
            assertThat(t.path("jobs_total").asInt()).isEqualTo(3);
            assertThat(t.path("challenge_type").asText()).isEqualTo("inference");
            assertThat(workersOf(t)).containsExactly(w.worker().address());
            // Each job's trace is served for fraud proofs, and its result_hash is the trace root the worker signed.
            ObjectNode p = (ObjectNode) t.path("payload");
            byte[] trace = c.jobOutput(id, 2);
            IntModel model = OnnxImporter.fromBytes(fixture("cnn_qdq.onnx"), ModelLimits.DEFAULT);
            assertThat(trace).hasSize((int) model.traceBytesPerSample());
            String root = Hex.encode(InferenceCommitment.traceRoot(model, 1, trace));
            assertThat(ledger.accepted.stream().filter(r -> r.taskId().equals(id) && r.nonce() == 2)
                    .map(ComputeResult::resultHash).toList()).containsExactly(root);
            assertThatThrownBy(() -> c.jobOutput(id, 3)).isInstanceOfSatisfying(MarketClient.MarketException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
            assertThatThrownBy(() -> c.get("/tasks/" + id + "/jobs/x/output"))
                    .isInstanceOfSatisfying(MarketClient.MarketException.class, e -> assertThat(e.status()).isEqualTo(400));
            assertThat(p.path("input_root").asText()).hasSize(64);
            w.stop();
        }
    }

    @Test
    void aChangedActivationIsCaughtAndTheJobIsRedoneByAnHonestWorker() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            AccountKey cheatKey = newKey();
            Worker cheat = startWorker(v.workerUrl(), cheatKey, PoolWorker.Options.defaults().withMaxJobs(2)
                    .withFilter((type, index, out) -> {
                        byte[] bad = out.clone();
                        bad[bad.length / 2] ^= 1; // one value in the middle of the trace
                        return bad;
                    }));
            await("cheat connected", () -> cheat.worker().status().connected());
            String id = publish(c, upload(c, "mlp_qdq", 2));
            await("the cheat was caught", () -> cheat.worker().status().rejected() >= 1);
            Worker honest = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
            await("task completed", () -> status(c, id).equals("completed"));
            assertThat(c.result(id)).isEqualTo(fixture("mlp_qdq.expected.bin"));
            assertThat(workersOf(c.task(id))).containsExactly(honest.worker().address());
            JsonNode record = c.get("/workers/" + cheatKey.address());
            assertThat(record.path("faults").get(0).path("reason").asText()).contains("layer");
            cheat.stop();
            honest.stop();
        }
    }

    @Test
    void aPayloadWhoseCommitmentIsNotTheModelsIsRefused() throws Exception {
        try (PocValidator v = start(config(tmp), validatorKey, ledger)) {
            MarketClient c = new MarketClient(v.url());
            ObjectNode p = upload(c, "mlp_qdq", 1);
            p.put("model_commitment", "00".repeat(32));
            assertThatThrownBy(() -> publish(c, p)).isInstanceOfSatisfying(MarketClient.MarketException.class, e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.getMessage()).contains("payload.model_commitment");
            });
            ObjectNode q = upload(c, "mlp_qdq", 1);
            q.put("input_root", "00".repeat(32));
            assertThatThrownBy(() -> publish(c, q)).isInstanceOfSatisfying(MarketClient.MarketException.class, e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.getMessage()).contains("payload.input_root");
            });
            // a model with an entry no fraud proof can carry (a Conv patch over 8 chunks) is no task
            ObjectNode wide = upload(c, "mlp_qdq", 1);
            wide.put("model", c.uploadBlob(fixture("wide_conv.onnx")).path("hash").asText());
            assertThatThrownBy(() -> publish(c, wide)).isInstanceOfSatisfying(MarketClient.MarketException.class, e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.getMessage()).contains("payload.model does not import: ConvInteger 'conv' (layer 0, Conv)",
                        "reads 8 chunks of 4096 bytes of its input row 8×64×64, more than the 6 one fraud proof carries");
            });
        }
    }
}
