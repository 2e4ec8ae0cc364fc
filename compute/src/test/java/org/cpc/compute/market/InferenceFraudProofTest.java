package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.infer.Disputability;
import org.cpc.compute.infer.IntLinear;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.LayerHeader;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.infer.Op;
import org.cpc.compute.infer.Requant;
import org.cpc.compute.infer.Shape;
import org.cpc.compute.infer.UnitLeaf;
import org.cpc.compute.infer.Window;
import org.cpc.compute.market.InferenceFraudProof.Chunk;
import org.cpc.compute.market.InferenceFraudProof.Claim;
import org.cpc.compute.market.InferenceFraudProof.RowOpening;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inference fraud proofs on the committed ONNX fixtures: honest entries are right, a corrupted one is proven wrong. */
class InferenceFraudProofTest {
    private static final String TASK = "0b1f6a52-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final InferenceChallenge T = InferenceChallenge.INSTANCE;
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final BlobSource source = h -> MemorySegment.ofArray(blobs.get(h));

    private record Task(IntModel model, ObjectNode payload) {}

    private String put(byte[] b) {
        String h = Hex.encode(Sha256.hash(b));
        blobs.put(h, b);
        return h;
    }

    private Task task(String name, int samplesPerJob) {
        byte[] onnx = InferenceChallengeTest.fixture(name + ".onnx");
        return task(OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT), onnx,
                InferenceChallengeTest.fixture(name + ".input.bin"), samplesPerJob);
    }

    /** A task of the model; a null input is two random samples. */
    private Task task(IntModel model, byte[] modelBlob, byte[] input, int samplesPerJob) {
        if (input == null) {
            input = new byte[2 * model.input().size()];
            new Random(model.input().size()).nextBytes(input);
        }
        int samples = input.length / model.input().size();
        ObjectNode p = InferenceChallenge.payload(model, put(modelBlob), put(input), MemorySegment.ofArray(input),
                samples, samplesPerJob);
        T.validatePayload(p);
        return new Task(model, p);
    }

    private byte[] run(Task t, int job) {
        return T.execute(t.payload(), TASK, job, source, new JavaGemm(1));
    }

    private String commit(Task t, int job, byte[] out) {
        return Hex.encode(T.resultHash(t.payload(), job, out, source));
    }

    private InferenceFraudProof proof(Task t, int job, int sample, int layer, int entry, Claim claim, byte[] out) {
        return InferenceFraudBuilder.build(TASK, t.payload(), job, sample, layer, entry, claim, source, out);
    }

    private static List<Claim> claims(IntModel m, int layer) {
        return IntModel.linear(m.ops().get(layer)) != null ? List.of(Claim.ACCUMULATOR, Claim.OUTPUT) : List.of(Claim.OUTPUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn_qdq", "cnn_qop", "mlp_qdq", "cnn_int"})
    void everyLayerOfAnHonestTraceIsRight(String name) {
        allRight(name, task(name, 2));
    }

    /** The Fashion-MNIST models of this repository, on two real images: every layer of both can be disputed. */
    @ParameterizedTest
    @ValueSource(strings = {"fashion/cnn", "fashion/mlp"})
    void theFashionModelsAreDisputableAtEveryLayer(String name) {
        byte[] onnx = InferenceChallengeTest.fixture(name + ".onnx");
        IntModel m = OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT);
        byte[] input = java.util.Arrays.copyOf(InferenceChallengeTest.fixture(name + ".subset.input.bin"),
                3 * m.input().size());
        allRight(name, task(m, onnx, input, 2));
    }

    private void allRight(String name, Task t) {
        for (int job = 0; job < T.jobCount(t.payload()); job++) {
            byte[] out = run(t, job);
            String hash = commit(t, job, out);
            int sample = 2 * job + (job == 0 ? 1 : 0);
            for (int layer = 0; layer < t.model().ops().size(); layer++) {
                int size = t.model().shapes().get(layer).size();
                for (int entry : new int[] {0, size / 2, size - 1}) {
                    for (Claim c : claims(t.model(), layer)) {
                        InferenceFraudProof p = proof(t, job, sample, layer, entry, c, out);
                        FraudVerdict v = InferenceFraudVerifier.verify(p, t.payload(), hash);
                        assertThat(v).as("%s layer %d entry %d %s", name, layer, entry, c)
                                .isInstanceOf(FraudVerdict.EntryRight.class);
                        InferenceFraudProof back = InferenceFraudProof.fromJson(Json.parse(Jcs.canonicalize(p.toJson())));
                        assertThat(InferenceFraudVerifier.verify(back, t.payload(), hash)).isEqualTo(v);
                    }
                }
            }
        }
    }

    /** A worker that corrupts one value of one layer signs a trace whose root proves it wrong, in every layer. */
    @ParameterizedTest
    @ValueSource(strings = {"cnn_qop", "mlp_int"})
    void oneCorruptedActivationOrAccumulatorIsProvenWrong(String name) {
        Task t = task(name, 3);
        byte[] honest = run(t, 0);
        InferenceCommitment.Layout layout = InferenceCommitment.Layout.of(t.model(), 3);
        for (int layer = 0; layer < t.model().ops().size(); layer++) {
            int size = t.model().shapes().get(layer).size();
            int entry = size / 3;
            byte[] bad = honest.clone();
            int at = layout.actRow(layer, 1) + entry;
            bad[at] = (byte) (bad[at] == 127 ? 126 : bad[at] + 1);
            FraudVerdict v = InferenceFraudVerifier.verify(proof(t, 0, 1, layer, entry, Claim.OUTPUT, bad), t.payload(),
                    commit(t, 0, bad));
            assertThat(v).as("layer %d", layer).isEqualTo(new FraudVerdict.EntryWrong(bad[at], honest[at],
                    ((FraudVerdict.EntryWrong) v).rule()));
            if (layout.linear(layer)) {
                byte[] badAcc = honest.clone();
                ByteBuffer b = ByteBuffer.wrap(badAcc).order(ByteOrder.LITTLE_ENDIAN);
                int off = layout.accRow(layer, 2) + 4 * entry;
                int correct = b.getInt(off);
                b.putInt(off, correct - 3);
                FraudVerdict w = InferenceFraudVerifier.verify(proof(t, 0, 2, layer, entry, Claim.ACCUMULATOR, badAcc),
                        t.payload(), commit(t, 0, badAcc));
                assertThat(w).isEqualTo(new FraudVerdict.EntryWrong(correct - 3, correct, "Σ (x − zx)·(w − zw) + bias"));
                assertThat(w.reason()).contains("is " + (correct - 3) + ", but Σ");
            }
        }
    }

    @Test
    void aProofThatDoesNotFitTheTaskOrItsCommitmentsProvesNothing() {
        Task t = task("cnn_qdq", 2);
        byte[] out = run(t, 0);
        String hash = commit(t, 0, out);
        int last = t.model().ops().size() - 1;
        ObjectNode conv = proof(t, 0, 1, 0, 5, Claim.ACCUMULATOR, out).toJson();
        malformed(t, hash, conv, o -> o.put("sample", 2), "sample 2 is not run by job 0 (samples 0..1)");
        malformed(t, hash, conv, o -> o.put("job", 2), "job 2 is not a job of the task (it has 2)");
        malformed(t, hash, conv, o -> o.put("layer", 1), "layer_header is layer 0's; the proof names layer 1");
        malformed(t, hash, conv, o -> flip((ArrayNode) o.get("header_path")), "header_path does not lead");
        int plane = t.model().shapes().get(0).plane();
        malformed(t, hash, conv, o -> o.put("entry", plane), "unit_path does not lead from unit (output unit");
        malformed(t, hash, conv, o -> o.put("entry", 1_000_000), "entry 1000000 is not in layer 0's output");
        malformed(t, hash, conv, o -> flip((ArrayNode) o.get("input").get("path")), "input.path does not lead from the"
                + " row to the task's input_root");
        malformed(t, hash, conv, o -> flip((ArrayNode) o.get("acc").get("path")), "acc.path does not lead");
        malformed(t, hash, conv, o -> o.set("act", o.get("acc")), "act must be null for an accumulator claim on a Conv layer");
        malformed(t, hash, conv, o -> o.putNull("input"), "input must be given for an accumulator claim on a Conv layer");
        malformed(t, hash, conv, o -> o.put("claim", "output"), "input must be null for an output claim on a Conv layer");
        ObjectNode pool = proof(t, 0, 0, 1, 0, Claim.OUTPUT, out).toJson();
        malformed(t, hash, pool, o -> o.put("claim", "accumulator"), "layer 1 is a MaxPool: it has no accumulators");
        malformed(t, hash, pool, o -> ((ObjectNode) o.get("act").get("chunks").get(0)).put("index", 1),
                "act must open chunk 0 of its row");
        ObjectNode dense = proof(t, 0, 0, last, 0, Claim.ACCUMULATOR, out).toJson();
        malformed(t, hash, dense, o -> ((ObjectNode) o.get("input").get("chunks").get(0)).put("bytes",
                "00" + o.get("input").get("chunks").get(0).get("bytes").textValue().substring(2)), "input.path does not"
                + " lead from the row to the job's result_hash"); // a changed chunk is another row
        assertThat(InferenceFraudVerifier.verify(InferenceFraudProof.fromJson(dense), t.payload(), "ab".repeat(32))
                .reason()).contains("acc.path does not lead from the row to the job's result_hash");
        assertThat(InferenceFraudVerifier.verify(InferenceFraudProof.fromJson(dense), t.payload(), "AB".repeat(32))
                .reason()).isEqualTo("the job's result_hash is not 64 lowercase hex");
        assertThat(InferenceFraudVerifier.verify(InferenceFraudProof.fromJson(dense), Json.object(), hash).reason())
                .startsWith("the task is not a valid inference task");
    }

    private static void flip(ArrayNode path) {
        byte[] h = Hex.decode(path.get(0).textValue());
        h[0] ^= 1;
        path.set(0, Hex.encode(h));
    }

    private static void malformed(Task t, String hash, ObjectNode good, Consumer<ObjectNode> edit, String reason) {
        ObjectNode o = good.deepCopy();
        edit.accept(o);
        FraudVerdict v = InferenceFraudVerifier.verify(InferenceFraudProof.fromJson(o), t.payload(), hash);
        assertThat(v).isInstanceOf(FraudVerdict.Malformed.class);
        assertThat(v.reason()).contains(reason);
    }

    @Test
    void malformedJsonIsRefusedNamingTheField() {
        Task t = task("mlp_qdq", 3);
        byte[] out = run(t, 0);
        ObjectNode good = proof(t, 0, 0, 0, 0, Claim.ACCUMULATOR, out).toJson();
        refused(good, o -> o.put("extra", 1), "unknown field 'extra'");
        refused(good, o -> o.remove("act"), "missing field 'act'");
        refused(good, o -> o.put("claim", "both"), "claim must be \"accumulator\" or \"output\"");
        refused(good, o -> o.put("layer", 64), "fraud proof.layer must be at most 63");
        refused(good, o -> o.put("entry", 1 << 26), "fraud proof.entry must be at most 67108863");
        refused(good, o -> o.put("unit", "0".repeat(2 * (UnitLeaf.MAX_BYTES + 1))), "fraud proof.unit must be 1 to 16400 bytes");
        refused(good, o -> o.putNull("unit"), "unit_path must be empty when unit is null");
        refused(good, o -> o.put("layer_header", "00".repeat(LayerHeader.MAX_BYTES + 1)), "layer_header must be 1 to 105 bytes");
        ArrayNode chunks = (ArrayNode) good.get("input").get("chunks");
        refused(good, o -> {
            ArrayNode cs = (ArrayNode) o.get("input").get("chunks");
            for (int i = 0; i < InferenceFraudProof.MAX_INPUT_CHUNKS; i++) cs.add(chunks.get(0).deepCopy());
        }, "fraud proof.input.chunks must be an array of 1 to 6 chunks");
        refused(good, o -> ((ObjectNode) o.get("acc").get("chunks").get(0)).put("bytes", "00".repeat(4097)),
                "fraud proof.acc.chunks[0].bytes must be 1 to 4096 bytes");
        refused(good, o -> ((ObjectNode) o.get("acc").get("chunks").get(0)).put("index", 1 << 14),
                "fraud proof.acc.chunks[0].index must be at most 16383");
        refused(good, o -> {
            ArrayNode p = ((ObjectNode) o.get("acc")).putArray("path");
            for (int i = 0; i <= InferenceFraudProof.MAX_ROW_PATH; i++) p.add("00".repeat(32));
        }, "fraud proof.acc.path must be an array of at most 27 hashes");
    }

    private static void refused(ObjectNode good, Consumer<ObjectNode> edit, String message) {
        ObjectNode o = good.deepCopy();
        edit.accept(o);
        assertThatThrownBy(() -> InferenceFraudProof.fromJson(o)).hasMessageContaining(message);
    }

    /**
     * A Conv over 8 channels of 64×64 (each channel a chunk of its own): a patch reads 8 chunks, more than a proof
     * carries. The importer refuses such a model; built around it, the builder refuses its accumulators by the same
     * rule ({@link Disputability}) and with the same count, while its requantization stays disputable.
     */
    @Test
    void aPatchTooWideForOneTransactionIsRefusedByTheImporterAndTheBuilderAlike() {
        Random rnd = new Random(3);
        Shape in = new Shape(8, 64, 64);
        int depth = 8 * 3 * 3;
        byte[] w = new byte[2 * depth];
        rnd.nextBytes(w);
        Requant r = Requant.of(1.0 / 4000);
        IntLinear l = new IntLinear(2, depth, w, new int[2], new int[] {5, -7}, new Requant[] {r, r}, 0, 0, true);
        IntModel m = new IntModel(in, 1f, 0, List.of(new Op.Conv("wide", l, new Window(3, 3, 1, 1, 1, 1, 1, 1, 1, 1))),
                1f, 0);
        assertThatThrownBy(() -> m.checkLimits(ModelLimits.DEFAULT))
                .hasMessageContaining("wide (layer 0, Conv): entry 0 (output channel 0, row 0, column 0) reads 8 chunks");
        byte[] input = new byte[in.size()];
        rnd.nextBytes(input);
        Task t = task(m, "wide-model".getBytes(), input, 1);
        InferenceChallenge.MODELS.get(t.payload().get("model").textValue(), () -> m); // as if it had imported
        byte[] out = run(t, 0);
        String hash = commit(t, 0, out);
        assertThatThrownBy(() -> proof(t, 0, 0, 0, 70, Claim.ACCUMULATOR, out))
                .hasMessageContaining("entry 70 (output channel 0, row 1, column 6) of layer 0 (Conv) reads 8 chunks of"
                        + " its input row; a proof carries at most 6");
        assertThat(InferenceFraudVerifier.verify(proof(t, 0, 0, 0, 70, Claim.OUTPUT, out), t.payload(), hash))
                .isInstanceOf(FraudVerdict.EntryRight.class);
    }

    /**
     * A model at the bound (a Conv over 6 channels of 64×64; a MaxPool over 6 rows of 4096 bytes) imports, and a
     * corrupted entry at the importer's worst position, reading 6 input chunks, is proven wrong by a proof that fits
     * a transaction.
     */
    @Test
    void anEntryAtTheBoundIsProvenWrong() {
        SplittableRandom rnd = new SplittableRandom(18);
        Task conv = task(fixtureModel("edge_conv"), InferenceChallengeTest.fixture("edge_conv.onnx"), null, 2);
        Disputability.Worst worst = Disputability.check(conv.model())[0];
        assertThat(worst.chunks()).isEqualTo(Disputability.MAX_INPUT_CHUNKS);
        byte[] honest = run(conv, 0);
        InferenceCommitment.Layout layout = InferenceCommitment.Layout.of(conv.model(), 2);
        int plane = conv.model().shapes().getFirst().plane();
        for (int entry : new int[] {worst.entry(), plane + worst.entry(), plane - 1}) {
            byte[] bad = honest.clone();
            ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
            int off = layout.accRow(0, 1) + 4 * entry;
            int correct = b.getInt(off);
            b.putInt(off, correct + 1 + rnd.nextInt(100));
            InferenceFraudProof p = proof(conv, 0, 1, 0, entry, Claim.ACCUMULATOR, bad);
            assertThat(p.input().chunks()).hasSize(Disputability.MAX_INPUT_CHUNKS); // every channel a chunk
            assertThat(InferenceFraudVerifier.verify(p, conv.payload(), commit(conv, 0, bad)))
                    .isEqualTo(new FraudVerdict.EntryWrong(b.getInt(off), correct, "Σ (x − zx)·(w − zw) + bias"));
            FraudProofTest.fitsATransaction(p.toJson());
        }

        Task pool = task(fixtureModel("edge_pool"), InferenceChallengeTest.fixture("edge_pool.onnx"), null, 2);
        Disputability.Worst poolWorst = Disputability.check(pool.model())[1];
        assertThat(poolWorst.chunks()).isEqualTo(Disputability.MAX_INPUT_CHUNKS);
        byte[] out = run(pool, 0);
        byte[] bad = out.clone();
        int at = InferenceCommitment.Layout.of(pool.model(), 2).actRow(1, 0) + poolWorst.entry();
        bad[at] = (byte) (bad[at] == -128 ? -127 : bad[at] - 1); // below the window's max: wrong
        InferenceFraudProof p = proof(pool, 0, 0, 1, poolWorst.entry(), Claim.OUTPUT, bad);
        assertThat(p.input().chunks()).hasSize(6);
        FraudVerdict v = InferenceFraudVerifier.verify(p, pool.payload(), commit(pool, 0, bad));
        assertThat(v).isEqualTo(new FraudVerdict.EntryWrong(bad[at], out[at], ((FraudVerdict.EntryWrong) v).rule()));
    }

    /**
     * A Conv entry whose patch lies wholly on padding reads no input value (its accumulator is the bias), yet a
     * proof's input opening needs a chunk to prove its row: the builder opens chunk 0, and a wrong bias is proven.
     */
    @Test
    void anEntryOnPaddingAloneIsProvenWrong() {
        Shape in = new Shape(2, 3, 3);
        Requant r = Requant.of(1.0 / 300);
        IntLinear l = new IntLinear(1, 2, new byte[] {3, -4}, new int[1], new int[] {77}, new Requant[] {r}, 0, 0, false);
        IntModel m = new IntModel(in, 1f, 0, List.of(new Op.Conv("padded", l, new Window(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)),
                new Op.Flatten("flat")), 1f, 0);
        m.checkLimits(ModelLimits.DEFAULT);
        Task t = task(m, "padded-model".getBytes(), null, 2);
        InferenceChallenge.MODELS.get(t.payload().get("model").textValue(), () -> m); // as if it had imported
        byte[] bad = run(t, 0);
        int off = InferenceCommitment.Layout.of(m, 2).accRow(0, 0); // entry 0: the corner, wholly on padding
        ByteBuffer b = ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(off)).isEqualTo(77);
        b.putInt(off, 78);
        InferenceFraudProof p = proof(t, 0, 0, 0, 0, Claim.ACCUMULATOR, bad);
        assertThat(p.input().chunks()).extracting(Chunk::index).containsExactly(0);
        assertThat(InferenceFraudVerifier.verify(p, t.payload(), commit(t, 0, bad)))
                .isEqualTo(new FraudVerdict.EntryWrong(78, 77, "Σ (x − zx)·(w − zw) + bias"));
    }

    private static IntModel fixtureModel(String name) {
        return OnnxImporter.fromBytes(InferenceChallengeTest.fixture(name + ".onnx"), ModelLimits.DEFAULT);
    }

    /**
     * The largest proof any task can have: six 4096-byte input chunks and a unit of 16,384 weights, an accumulator
     * chunk, every path at its bound. Its JCS stays within {@link InferenceFraudProof#MAX_JSON_BYTES} and a signed
     * FRAUD_PROOF carrying it within max_tx_bytes on every built-in network.
     */
    @Test
    void theLargestProofFitsATransaction() {
        Random rnd = new Random(5);
        List<Chunk> inputs = new ArrayList<>();
        for (int c = 0; c < InferenceFraudProof.MAX_INPUT_CHUNKS; c++) {
            inputs.add(new Chunk(InferenceFraudProof.MAX_CHUNK_INDEX - c, bytes(rnd, TraceCommitment.CHUNK_BYTES),
                    hashes(rnd, InferenceFraudProof.MAX_CHUNK_PATH)));
        }
        RowOpening acc = new RowOpening(List.of(new Chunk(InferenceFraudProof.MAX_CHUNK_INDEX,
                bytes(rnd, TraceCommitment.CHUNK_BYTES), hashes(rnd, InferenceFraudProof.MAX_CHUNK_PATH))),
                hashes(rnd, InferenceFraudProof.MAX_ROW_PATH));
        InferenceFraudProof p = new InferenceFraudProof(TASK, ChallengeType.MAX_JOBS - 1,
                InferenceChallenge.MAX_SAMPLES - 1, InferenceFraudProof.MAX_LAYER, InferenceFraudProof.MAX_ENTRY,
                Claim.ACCUMULATOR, bytes(rnd, LayerHeader.MAX_BYTES), hashes(rnd, InferenceFraudProof.MAX_MODEL_PATH),
                bytes(rnd, UnitLeaf.MAX_BYTES), hashes(rnd, InferenceFraudProof.MAX_MODEL_PATH),
                new RowOpening(inputs, hashes(rnd, InferenceFraudProof.MAX_ROW_PATH)), acc, null);
        byte[] json = Jcs.canonicalize(p.toJson());
        assertThat(json.length).isLessThanOrEqualTo(InferenceFraudProof.MAX_JSON_BYTES);
        assertThat(InferenceFraudProof.fromJson(Json.parse(json)).unit()).isEqualTo(p.unit());
        FraudProofTest.fitsATransaction(p.toJson());
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static List<byte[]> hashes(Random rnd, int n) {
        List<byte[]> h = new ArrayList<>();
        for (int i = 0; i < n; i++) h.add(bytes(rnd, 32));
        return h;
    }
}
