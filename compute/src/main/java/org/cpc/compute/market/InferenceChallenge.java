package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.infer.InferenceExecutor;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.infer.Trace;
import org.cpc.compute.infer.TraceVerifier;
import org.cpc.compute.infer.TraceView;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;

/**
 * Exact int8 inference of an imported ONNX model ({@link IntModel}) over a batch of samples. Payload:
 * <pre>{"model": blob hash of the ONNX file, "model_commitment": hex of IntModel.commitment(),
 *  "input": blob hash of the batch (samples × sample_input_bytes int8, sample-major, each sample in C×H×W order),
 *  "input_root": the root over its samples (InferenceCommitment.inputRoot),
 *  "samples": N, "samples_per_job": S,
 *  "sample_input_bytes", "sample_output_bytes", "sample_trace_bytes", "sample_macs": the model's figures per sample}</pre>
 * The four per-sample figures are declared so that everything L1 and the PoC validator's scheduler need (job
 * count, costs, output sizes) is a function of the payload alone; the PoC validator checks them against the model
 * when it takes the task ({@link #checkInputContents}).
 *
 * <p>Job j runs samples [j·S, min(N, (j+1)·S)). Its output is the job's whole {@link Trace} (so the PoC validator can
 * check every layer without redoing the products): for each layer in model order, the Conv/Dense int32 accumulators
 * (little-endian, n × layer size) and then the int8 activations (n × layer size), each sample after the other,
 * channel-major within a sample; n·sample_trace_bytes bytes in all. Its part of the task result is the last layer's
 * int8 activations, the last n·sample_output_bytes bytes of the output; so the result is samples ×
 * sample_output_bytes int8 — the model's quantized output (read as real numbers with its output scale and zero point).
 * A job's result_hash, which its worker signs and L1 records, is the root of its trace commitment
 * ({@link InferenceCommitment}), so that one wrong entry of any layer can be proven on L1 ({@link InferenceFraudProof});
 * {@code input_root} in the payload commits to the batch's samples the same way.
 */
public final class InferenceChallenge implements ChallengeType {
    public static final InferenceChallenge INSTANCE = new InferenceChallenge();
    static final List<String> FIELDS = List.of("model", "model_commitment", "input", "input_root", "samples", "samples_per_job",
            "sample_input_bytes", "sample_output_bytes", "sample_trace_bytes", "sample_macs");
    /** Most samples in one task. */
    public static final int MAX_SAMPLES = 1 << 20;
    /** Largest input batch in bytes: 1 GiB. */
    public static final long MAX_INPUT_BYTES = 1L << 30;
    /** Largest job output (its trace) in bytes: 1 GiB; a PoC validator's own result limit is usually lower. */
    public static final long MAX_JOB_OUTPUT_BYTES = 1L << 30;
    /** What a model may cost: the import limits every executor and verifier uses. */
    public static final ModelLimits LIMITS = ModelLimits.DEFAULT;
    /** Imported models and their executors by blob hash, shared by every task of this process (bounded). */
    static final InferenceModels MODELS = new InferenceModels();

    private InferenceChallenge() {}

    @Override
    public String name() {
        return "inference";
    }

    /**
     * The payload for running the {@code samples} samples of {@code input} (blob {@code inputHash}) through
     * {@code model} (blob {@code modelHash}).
     */
    public static ObjectNode payload(IntModel model, String modelHash, String inputHash, MemorySegment input,
                                     int samples, int samplesPerJob) {
        ObjectNode p = Json.object();
        p.put("model", modelHash);
        p.put("model_commitment", Hex.encode(model.commitment()));
        p.put("input", inputHash);
        p.put("input_root", Hex.encode(InferenceCommitment.inputRoot(input, samples, model.input().size())));
        p.put("samples", samples);
        p.put("samples_per_job", samplesPerJob);
        p.put("sample_input_bytes", model.input().size());
        p.put("sample_output_bytes", model.output().size());
        p.put("sample_trace_bytes", model.traceBytesPerSample());
        p.put("sample_macs", model.macsPerSample());
        return p;
    }

    @Override
    public void validatePayload(JsonNode payload) {
        Payloads.onlyFields(payload, name(), FIELDS);
        Payloads.hashes(payload, name(), "model", "model_commitment", "input", "input_root");
        long samples = Payloads.integer(payload, name(), "samples", 1, MAX_SAMPLES);
        long perJob = Payloads.integer(payload, name(), "samples_per_job", 1, MAX_SAMPLES);
        long in = Payloads.integer(payload, name(), "sample_input_bytes", 1, LIMITS.inputBytes());
        long trace = Payloads.integer(payload, name(), "sample_trace_bytes", 1, LIMITS.traceBytesPerSample());
        Payloads.integer(payload, name(), "sample_output_bytes", 1, trace);
        Payloads.integer(payload, name(), "sample_macs", 1, LIMITS.macsPerSample());
        if (samples * in > MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("inference input is limited to " + MAX_INPUT_BYTES
                    + " bytes (samples · sample_input_bytes = " + samples * in + ")");
        }
        if (Math.min(perJob, samples) * trace > MAX_JOB_OUTPUT_BYTES) {
            throw new IllegalArgumentException("inference job output (its trace) is limited to " + MAX_JOB_OUTPUT_BYTES
                    + " bytes (samples_per_job · sample_trace_bytes = " + Math.min(perJob, samples) * trace
                    + "; lower samples_per_job)");
        }
        if (Math.ceilDiv(samples, perJob) > MAX_JOBS) {
            throw new IllegalArgumentException("inference payload splits into " + Math.ceilDiv(samples, perJob)
                    + " jobs; at most " + MAX_JOBS + " (raise samples_per_job)");
        }
    }

    @Override
    public int jobCount(JsonNode payload) {
        return (int) Math.ceilDiv(payload.get("samples").longValue(), payload.get("samples_per_job").longValue());
    }

    /** A valid payload's fields. */
    record Spec(String model, String commitment, String input, String inputRoot, int samples, int perJob, int inBytes,
                int outBytes, long traceBytes, long macs) implements JobSplit {
        static Spec of(JsonNode p) {
            return new Spec(p.get("model").textValue(), p.get("model_commitment").textValue(), p.get("input").textValue(),
                    p.get("input_root").textValue(), p.get("samples").intValue(), p.get("samples_per_job").intValue(), p.get("sample_input_bytes").intValue(),
                    p.get("sample_output_bytes").intValue(), p.get("sample_trace_bytes").longValue(),
                    p.get("sample_macs").longValue());
        }

        @Override
        public int items() {
            return samples;
        }
    }

    @Override
    public List<String> inputBlobs(JsonNode payload) {
        return Payloads.blobs(payload, "model", "input");
    }

    @Override
    public void checkInputs(JsonNode payload, ToLongFunction<String> blobSize) {
        Spec s = Spec.of(payload);
        long model = blobSize.applyAsLong(s.model());
        if (model < 0) throw Payloads.missingBlob(name(), "model", s.model());
        if (model > LIMITS.modelBytes()) {
            throw new IllegalArgumentException("inference payload.model is a blob of " + model
                    + " bytes; models are limited to " + LIMITS.modelBytes());
        }
        long input = blobSize.applyAsLong(s.input());
        if (input < 0) throw Payloads.missingBlob(name(), "input", s.input());
        long expected = (long) s.samples() * s.inBytes();
        if (input != expected) {
            throw new IllegalArgumentException("inference payload.input is a blob of " + input + " bytes, but "
                    + s.samples() + " samples of " + s.inBytes() + " int8 values are " + expected + " bytes");
        }
    }

    /**
     * Imports the model blob and checks it against the payload: its commitment and the declared per-sample figures.
     * Runs where the PoC validator takes the task, after {@link #checkInputs}.
     */
    @Override
    public void checkInputContents(JsonNode payload, BlobSource blobs) {
        Spec s = Spec.of(payload);
        IntModel m = model(s, blobs);
        declared("sample_input_bytes", s.inBytes(), m.input().size());
        declared("sample_output_bytes", s.outBytes(), m.output().size());
        declared("sample_trace_bytes", s.traceBytes(), m.traceBytesPerSample());
        declared("sample_macs", s.macs(), m.macsPerSample());
        String root = Hex.encode(InferenceCommitment.inputRoot(blobs.blob(s.input()), s.samples(), s.inBytes()));
        if (!root.equals(s.inputRoot())) {
            throw new IllegalArgumentException("inference payload.input_root is " + s.inputRoot() + ", but the samples"
                    + " of blob input have the root " + root + " (docs/protocol.md, \"Trace commitments and fraud proofs"
                    + " (inference)\")");
        }
    }

    private static void declared(String field, long got, long model) {
        if (got != model) {
            throw new IllegalArgumentException("inference payload." + field + " is " + got + ", but the model's is " + model);
        }
    }

    /**
     * The payload's model, imported with {@link #LIMITS} (once per blob hash: {@link InferenceModels}); throws an
     * {@link IllegalArgumentException} when it does not import or its commitment is not payload.model_commitment.
     */
    private static IntModel model(Spec s, BlobSource blobs) {
        return entry(s, blobs).model();
    }

    private static InferenceModels.Loaded entry(Spec s, BlobSource blobs) {
        InferenceModels.Loaded e = MODELS.get(s.model(), () -> {
            MemorySegment blob = blobs.blob(s.model());
            if (blob.byteSize() > LIMITS.modelBytes()) {
                throw new IllegalArgumentException("inference payload.model is a blob of " + blob.byteSize()
                        + " bytes; models are limited to " + LIMITS.modelBytes());
            }
            try {
                return OnnxImporter.fromBytes(blob.toArray(ValueLayout.JAVA_BYTE), LIMITS);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("inference payload.model does not import: " + ex.getMessage(), ex);
            }
        });
        if (!e.commitment().equals(s.commitment())) {
            throw new IllegalArgumentException("inference payload.model_commitment is " + s.commitment()
                    + ", but the model's commitment is " + e.commitment());
        }
        return e;
    }

    @Override
    public ObjectNode describeJob(JsonNode payload, int index) {
        return Spec.of(payload).describe(index, "sample");
    }

    /** samples × sample_macs. */
    @Override
    public long jobMacs(JsonNode payload, int index) {
        Spec s = Spec.of(payload);
        return s.count(index) * s.macs();
    }

    /**
     * An estimate from above: per sample and round, the check multiplies each Conv/Dense accumulator (at most the
     * trace's values) and each value of the layer's input (the sample's input or an earlier layer's outputs) once,
     * and recomputes the rest elementwise; {@link TraceVerifier#TYPICAL_ROUNDS} rounds.
     */
    @Override
    public long verifyMacs(JsonNode payload, int index) {
        Spec s = Spec.of(payload);
        return s.count(index) * TraceVerifier.TYPICAL_ROUNDS * (s.traceBytes() + s.inBytes());
    }

    /** Not defined without the model: {@link #resultHash(JsonNode, int, byte[], BlobSource)} reads it. */
    @Override
    public byte[] resultHash(JsonNode payload, int index, byte[] output) {
        throw new UnsupportedOperationException("an inference result_hash needs the model blob");
    }

    /** The trace root of the job's output ({@link InferenceCommitment}); a wrong-sized output has none. */
    @Override
    public byte[] resultHash(JsonNode payload, int index, byte[] output, BlobSource blobs) {
        Spec s = Spec.of(payload);
        return InferenceCommitment.traceRoot(model(s, blobs), s.count(index), output);
    }

    /** The imported model of a valid payload (checked against its model_commitment). */
    static IntModel model(JsonNode payload, BlobSource blobs) {
        return model(Spec.of(payload), blobs);
    }

    /** The job's trace: samples × sample_trace_bytes. */
    @Override
    public long maxOutputBytes(JsonNode payload, int index) {
        Spec s = Spec.of(payload);
        return s.count(index) * s.traceBytes();
    }

    @Override
    public byte[] execute(JsonNode payload, String taskId, int index, BlobSource blobs, GemmBackend gemm) {
        Spec s = Spec.of(payload);
        InferenceExecutor x = MODELS.executor(entry(s, blobs), gemm);
        Trace t = x.run(inputSlice(s, index, blobs), s.count(index));
        byte[] out = TraceView.encode(t);
        x.recycle(t); // the next job of this model and size writes into its arrays
        return out;
    }

    private static byte[] inputSlice(Spec s, int index, BlobSource blobs) {
        return blobs.blob(s.input()).asSlice((long) s.first(index) * s.inBytes(), (long) s.count(index) * s.inBytes())
                .toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public JobVerifier verifier(JsonNode payload, String taskId, BlobSource blobs, RandomGenerator secret) {
        Spec s = Spec.of(payload);
        IntModel m = model(s, blobs);
        TraceVerifier tv = new TraceVerifier(m, secret);
        return (index, output) -> {
            if (index < 0 || index >= jobCount(payload)) return Verification.failure("no job " + index);
            int n = s.count(index);
            String wrong = wrongSize(payload, index, output,
                    "the trace of " + n + " samples × " + s.traceBytes() + " bytes");
            if (wrong != null) return Verification.failure(wrong);
            Optional<TraceVerifier.Failure> f = tv.verify(inputSlice(s, index, blobs), TraceView.of(m, n, output));
            return f.map(x -> Verification.failure((x.layer() < 0 ? "" : "layer " + x.layer() + ", ")
                    + (x.sample() < 0 ? "" : "sample " + (s.first(index) + x.sample()) + ": ") + x.reason()))
                    .orElse(Verification.OK);
        };
    }

    /** The last layer's activations: the output's last samples × sample_output_bytes bytes. */
    @Override
    public byte[] mergePart(JsonNode payload, int index, byte[] output) {
        Spec s = Spec.of(payload);
        int tail = s.count(index) * s.outBytes();
        if (output.length < tail) throw new IllegalArgumentException("job " + index + " output is shorter than its result");
        return Arrays.copyOfRange(output, output.length - tail, output.length);
    }
}
