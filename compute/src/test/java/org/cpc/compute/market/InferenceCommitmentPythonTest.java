package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.infer.InferenceExecutor;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.infer.TraceView;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference commitments as docs/protocol.md states them, recomputed by test-clients/inference_root.py, a
 * script written from the text alone (Python's hashlib, RFC 6962's recursive split): a job's result_hash over the
 * trace of the Fashion-MNIST CNN (Conv, MaxPool, Flatten and Dense layers; rows of several 4096-byte chunks, an odd
 * number of samples and of chunks; large enough to be hashed on every core) and a batch's input_root must equal
 * {@link InferenceCommitment}'s, and the root hashed on every core the one hashed on one thread.
 */
class InferenceCommitmentPythonTest {
    /** An odd count, and a trace over {@link InferenceCommitment#PARALLEL_BYTES}: hashed on every core. */
    private static final int SAMPLES = 25;

    @TempDir
    Path dir;

    @Test
    void aScriptWrittenFromTheProtocolTextGivesTheSameRoots() throws Exception {
        Assumptions.assumeTrue(run(List.of("python3", "-c", "import hashlib")).exit == 0, "python3 is not installed");
        Path script = Path.of(System.getProperty("cpc.root.dir", ".."), "test-clients", "inference_root.py");
        assertThat(script).exists();
        IntModel model = OnnxImporter.fromBytes(resource("/onnx/fashion/cnn.onnx"), ModelLimits.DEFAULT);
        byte[] input = Arrays.copyOf(resource("/onnx/fashion/cnn.subset.input.bin"), SAMPLES * model.input().size());
        byte[] trace = TraceView.encode(new InferenceExecutor(model, new JavaGemm(1), 1).run(input, SAMPLES));
        assertThat(trace.length).isGreaterThanOrEqualTo(InferenceCommitment.PARALLEL_BYTES);
        assertThat(InferenceCommitment.traceRoot(model, SAMPLES, trace)).isEqualTo(org.cpc.protocol.crypto.Merkle
                .rootOfLeafHashes(InferenceCommitment.Layout.of(model, SAMPLES).sampleHashes(trace)));

        ObjectNode layout = Json.object().put("samples", SAMPLES);
        ArrayNode layers = layout.putArray("layers");
        for (int i = 0; i < model.ops().size(); i++) {
            layers.addObject().put("size", model.shapes().get(i).size())
                    .put("accumulators", IntModel.linear(model.ops().get(i)) != null);
        }
        Files.write(dir.resolve("trace.bin"), trace);
        Files.write(dir.resolve("input.bin"), input);

        Result root = run(List.of("python3", script.toString(), "trace", dir.resolve("trace.bin").toString(),
                layout.toString()));
        assertThat(root.exit).as(root.out).isZero();
        assertThat(root.out.strip()).isEqualTo(Hex.encode(InferenceCommitment.traceRoot(model, SAMPLES, trace)));

        Result in = run(List.of("python3", script.toString(), "input", dir.resolve("input.bin").toString(),
                Integer.toString(model.input().size())));
        assertThat(in.exit).as(in.out).isZero();
        assertThat(in.out.strip()).isEqualTo(Hex.encode(
                InferenceCommitment.inputRoot(MemorySegment.ofArray(input), SAMPLES, model.input().size())));

        // and it is not a constant: one changed accumulator byte changes its answer
        trace[3] ^= 1;
        Files.write(dir.resolve("trace.bin"), trace);
        Result changed = run(List.of("python3", script.toString(), "trace", dir.resolve("trace.bin").toString(),
                layout.toString()));
        assertThat(changed.out.strip()).isNotEqualTo(root.out.strip())
                .isEqualTo(Hex.encode(InferenceCommitment.traceRoot(model, SAMPLES, trace)));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = InferenceCommitmentPythonTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name);
            return in.readAllBytes();
        }
    }

    private record Result(int exit, String out) {}

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out);
    }
}
