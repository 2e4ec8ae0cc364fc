package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The inference challenge type on the committed ONNX fixtures: split, refusals, execute → verify → merge, and a lie caught. */
class InferenceChallengeTest {
    private static final InferenceChallenge T = InferenceChallenge.INSTANCE;
    private final Map<String, byte[]> blobs = new HashMap<>();
    private final BlobSource source = h -> {
        byte[] b = blobs.get(h);
        if (b == null) throw new IllegalArgumentException("no blob " + h);
        return MemorySegment.ofArray(b);
    };

    static byte[] fixture(String name) {
        try (InputStream in = InferenceChallengeTest.class.getResourceAsStream("/onnx/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String put(byte[] b) {
        String h = Hex.encode(Sha256.hash(b));
        blobs.put(h, b);
        return h;
    }

    private record Task(IntModel model, byte[] input, ObjectNode payload) {}

    private Task task(String name, int samplesPerJob) {
        byte[] onnx = fixture(name + ".onnx");
        IntModel model = OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT);
        byte[] input = fixture(name + ".input.bin");
        int samples = input.length / model.input().size();
        ObjectNode p = InferenceChallenge.payload(model, put(onnx), put(input), MemorySegment.ofArray(input), samples,
                samplesPerJob);
        T.validatePayload(p);
        T.checkInputs(p, h -> blobs.containsKey(h) ? blobs.get(h).length : -1);
        T.checkInputContents(p, source);
        return new Task(model, input, p);
    }

    @Test
    void aBatchSplitsIntoSlicesOfSamples() {
        Task t = task("cnn_qdq", 2);
        assertThat(ChallengeType.require("inference")).isSameAs(T);
        assertThat(T.jobCount(t.payload())).isEqualTo(2); // 3 samples: 2 + 1
        assertThat(T.describeJob(t.payload(), 1).toString()).isEqualTo("{\"sample_start\":2,\"sample_end\":3}");
        assertThat(T.maxOutputBytes(t.payload(), 0)).isEqualTo(2 * t.model().traceBytesPerSample());
        assertThat(T.maxOutputBytes(t.payload(), 1)).isEqualTo(t.model().traceBytesPerSample());
        assertThat(T.jobMacs(t.payload(), 0)).isEqualTo(2 * t.model().macsPerSample());
        assertThat(T.inputBlobs(t.payload())).containsExactly(t.payload().get("model").textValue(),
                t.payload().get("input").textValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_qdq", "cnn_qdq", "cnn_qop", "mlp_int", "cnn_int"})
    void jobsExecuteVerifyAndMergeToTheReferenceOutput(String name) {
        Task t = task(name, 2);
        JobVerifier v = T.verifier(t.payload(), "t", source, new SplittableRandom(7));
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        for (int j = 0; j < T.jobCount(t.payload()); j++) {
            byte[] out = T.execute(t.payload(), "t", j, source, new JavaGemm(1));
            assertThat((long) out.length).isEqualTo(T.maxOutputBytes(t.payload(), j));
            assertThat(v.verify(j, out)).isEqualTo(Verification.OK);
            result.writeBytes(T.mergePart(t.payload(), j, out));
        }
        assertThat(result.toByteArray()).isEqualTo(fixture(name + ".expected.bin"));
    }

    @Test
    void aModelIsImportedAndPreparedOncePerProcessNotPerJob() {
        Task t = task("cnn_int", 1); // imported here at the latest (or earlier by another test of this JVM)
        long imports = InferenceChallenge.MODELS.imports();
        JavaGemm gemm = new JavaGemm(1);
        T.verifier(t.payload(), "t", source, new SplittableRandom(3));
        for (int j = 0; j < T.jobCount(t.payload()); j++) T.execute(t.payload(), "t", j, source, gemm);
        assertThat(InferenceChallenge.MODELS.imports()).isEqualTo(imports);

        InferenceModels cache = new InferenceModels();
        int[] calls = new int[1];
        java.util.function.Supplier<IntModel> importer = () -> {
            calls[0]++;
            return t.model();
        };
        InferenceModels.Loaded e = cache.get("a", importer);
        assertThat(cache.get("a", importer)).isSameAs(e);
        assertThat(cache.executor(e, gemm)).isSameAs(cache.executor(e, gemm));
        assertThat(calls[0]).isEqualTo(1);
        for (int i = 0; i < InferenceModels.MAX_MODELS; i++) cache.get("other" + i, importer); // "a" is least recent
        assertThat(cache.get("a", importer)).isNotSameAs(e);
        assertThat(cache.imports()).isEqualTo(InferenceModels.MAX_MODELS + 2L);
    }

    @Test
    void oneWrongValueInAnyLayerOfTheTraceIsCaught() {
        Task t = task("cnn_qop", 3);
        JobVerifier v = T.verifier(t.payload(), "t", source, new SplittableRandom(8));
        byte[] out = T.execute(t.payload(), "t", 0, source, new JavaGemm(1));
        // Layer 0 is a Conv: its accumulators come first, then its activations.
        int conv0 = t.model().shapes().get(0).size() * 3;
        byte[] badAcc = out.clone();
        badAcc[4 * 5] ^= 1; // accumulator 5 of sample 0, off by one
        assertThat(v.verify(0, badAcc).reason()).contains("layer 0, sample 0").contains("Freivalds");
        byte[] badAct = out.clone();
        badAct[4 * conv0 + conv0 / 3 + 7] ^= 1; // activation 7 of sample 1 of layer 0
        assertThat(v.verify(0, badAct).reason()).contains("layer 0, sample 1").contains("requantized");
        byte[] badLast = out.clone();
        badLast[badLast.length - 1] ^= 1; // the final output of the last sample
        assertThat(v.verify(0, badLast).reason()).contains("layer " + (t.model().ops().size() - 1) + ", sample 2");
        // the verifier reads each job in place and keeps nothing of a job between jobs: a right one after wrong ones passes
        assertThat(v.verify(0, out)).isEqualTo(Verification.OK);
        assertThat(v.verify(0, java.util.Arrays.copyOf(out, out.length - 1)).reason()).contains("bytes, expected");
        assertThat(v.verify(1, out).reason()).contains("no job 1");
    }

    @Test
    void badPayloadsAndInputsNameTheField() {
        Task t = task("mlp_qdq", 1);
        ObjectNode p = t.payload();
        assertThatThrownBy(() -> T.validatePayload(with(p, "samples", 0))).hasMessageContaining("payload.samples");
        assertThatThrownBy(() -> T.validatePayload(with(p, "samples", 20_001).put("sample_input_bytes", 1)))
                .hasMessageContaining("jobs; at most 10000");
        assertThatThrownBy(() -> T.validatePayload(with(p, "sample_trace_bytes", 100L << 20)))
                .hasMessageContaining("payload.sample_trace_bytes");
        assertThatThrownBy(() -> T.validatePayload(with(p, "samples", 1 << 20).put("samples_per_job", 1 << 20)
                .put("sample_input_bytes", 1).put("sample_trace_bytes", 4096))).hasMessageContaining("samples_per_job · sample_trace_bytes");
        assertThatThrownBy(() -> T.validatePayload(with(p, "samples", 1 << 20).put("samples_per_job", 1000)
                .put("sample_input_bytes", 4096))).hasMessageContaining("input is limited");
        assertThatThrownBy(() -> T.validatePayload(p.deepCopy().put("model", "zz"))).hasMessageContaining("payload.model");
        assertThatThrownBy(() -> T.validatePayload(p.deepCopy().put("extra", 1))).hasMessageContaining("unknown field 'extra'");
        ObjectNode noCommit = p.deepCopy();
        noCommit.remove("model_commitment");
        assertThatThrownBy(() -> T.validatePayload(noCommit)).hasMessageContaining("missing 'model_commitment'");

        assertThatThrownBy(() -> T.checkInputs(with(p, "samples", 4), h -> blobs.containsKey(h) ? blobs.get(h).length : -1))
                .hasMessageContaining("payload.input is a blob of 48 bytes");
        assertThatThrownBy(() -> T.checkInputs(p, h -> -1)).hasMessageContaining("payload.model names blob");
        assertThatThrownBy(() -> T.checkInputContents(p.deepCopy().put("model_commitment", "00".repeat(32)), source))
                .hasMessageContaining("payload.model_commitment");
        assertThatThrownBy(() -> T.checkInputContents(with(p, "sample_macs", 1), source))
                .hasMessageContaining("payload.sample_macs is 1, but the model's is");
        assertThatThrownBy(() -> T.checkInputContents(p.deepCopy().put("input_root", "00".repeat(32)), source))
                .hasMessageContaining("payload.input_root is " + "00".repeat(32) + ", but the samples of blob input");
        String junk = put(fixture("unsupported.onnx"));
        assertThatThrownBy(() -> T.checkInputContents(p.deepCopy().put("model", junk), source))
                .hasMessageContaining("payload.model does not import").hasMessageContaining("Softmax");
        String wide = put(fixture("wide_conv.onnx")); // an entry no fraud proof can carry: not every entry disputable
        assertThatThrownBy(() -> T.checkInputContents(p.deepCopy().put("model", wide), source))
                .hasMessageContaining("payload.model does not import: ConvInteger 'conv' (layer 0, Conv)")
                .hasMessageContaining("reads 8 chunks of 4096 bytes of its input row 8×64×64, more than the 6");
    }

    private static ObjectNode with(ObjectNode p, String field, long value) {
        ObjectNode c = p.deepCopy();
        c.put(field, value);
        return c;
    }
}
