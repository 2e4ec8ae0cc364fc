package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import org.cpc.compute.MatrixGenerator;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.SyntheticTask;
import org.cpc.compute.SyntheticVerifier;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;

/**
 * The seed's Task Market example: payload {@code {"seed","matrix_size","iterations"}}, one job per iteration; for
 * benchmarks and network tests.
 *
 * <p>Job i is a synthetic task v1 (the protocol's, as a solo worker computes it) whose block-hash input is
 * {@code H_i = hex(SHA-256(seed ‖ uint32_be(i)))} and whose worker-address input is the market task_id, so each job
 * has its own matrices and no two tasks share jobs. Its output is the 32-byte row-commitment root followed by the
 * spot-check proof (the challenged rows' audit paths, {@link #SPOT_CHECKS} rows or n if fewer); the PoC validator
 * verifies it by recomputing the challenged rows. The task result is the job roots concatenated in job order.
 */
public final class SyntheticChallenge implements ChallengeType {
    public static final SyntheticChallenge INSTANCE = new SyntheticChallenge();
    static final List<String> FIELDS = List.of("seed", "matrix_size", "iterations");
    /** Rows challenged per job (or n when smaller). */
    public static final int SPOT_CHECKS = 32;

    private SyntheticChallenge() {}

    @Override
    public String name() {
        return "synthetic";
    }

    @Override
    public void validatePayload(JsonNode payload) {
        Payloads.onlyFields(payload, name(), FIELDS);
        Payloads.hashes(payload, name(), "seed");
        Payloads.integer(payload, name(), "matrix_size", 2, MatrixGenerator.MAX_N);
        Payloads.integer(payload, name(), "iterations", 1, MAX_JOBS);
    }

    @Override
    public int jobCount(JsonNode payload) {
        return (int) payload.get("iterations").longValue();
    }

    /** The block-hash-like input of job {@code index}: hex(SHA-256(seed ‖ uint32_be(index))). */
    public static String jobBlockHash(JsonNode payload, int index) {
        byte[] seed = Hex.decode(payload.get("seed").textValue());
        byte[] i = {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index};
        return Hex.encode(Sha256.hash(seed, i));
    }

    private static int n(JsonNode payload) {
        return payload.get("matrix_size").intValue();
    }

    private static int k(JsonNode payload) {
        return Math.min(SPOT_CHECKS, n(payload));
    }

    @Override
    public List<String> inputBlobs(JsonNode payload) {
        return List.of();
    }

    @Override
    public void checkInputs(JsonNode payload, ToLongFunction<String> blobSize) {}

    @Override
    public ObjectNode describeJob(JsonNode payload, int index) {
        ObjectNode o = Json.object();
        o.put("block_hash", jobBlockHash(payload, index));
        o.put("matrix_size", n(payload));
        o.put("spot_checks", k(payload));
        return o;
    }

    /** The whole n×n×n product. */
    @Override
    public long jobMacs(JsonNode payload, int index) {
        long n = n(payload);
        return n * n * n;
    }

    /** The challenged rows of the product, recomputed. */
    @Override
    public long verifyMacs(JsonNode payload, int index) {
        long n = n(payload);
        return k(payload) * n * n;
    }

    @Override
    public long maxOutputBytes(JsonNode payload, int index) {
        int depth = 64 - Long.numberOfLeadingZeros(n(payload) - 1L);
        return Sha256.LENGTH + (long) k(payload) * depth * Sha256.LENGTH;
    }

    @Override
    public byte[] execute(JsonNode payload, String taskId, int index, BlobSource blobs, GemmBackend gemm) {
        SyntheticResult r = new SyntheticProver(gemm).prove(jobBlockHash(payload, index), index, taskId, n(payload),
                k(payload));
        byte[] root = Hex.decode(r.resultHash());
        byte[] proof = Hex.decode(r.proof());
        byte[] out = Arrays.copyOf(root, root.length + proof.length);
        System.arraycopy(proof, 0, out, root.length, proof.length);
        return out;
    }

    @Override
    public JobVerifier verifier(JsonNode payload, String taskId, BlobSource blobs, RandomGenerator secret) {
        GemmBackend one = Backends.select("cpu", 1).gemm();
        SyntheticVerifier v = new SyntheticVerifier(one);
        return (index, output) -> {
            if (index < 0 || index >= jobCount(payload)) return Verification.failure("no job " + index);
            if (output.length < Sha256.LENGTH || output.length > maxOutputBytes(payload, index)) {
                return Verification.failure("job " + index + " output is " + output.length + " bytes; a synthetic job"
                        + " output is a 32-byte root and a proof of at most " + maxOutputBytes(payload, index) + " bytes");
            }
            String block = jobBlockHash(payload, index);
            String root = Hex.encode(Arrays.copyOf(output, Sha256.LENGTH));
            String proof = Hex.encode(Arrays.copyOfRange(output, Sha256.LENGTH, output.length));
            return v.verify(block, taskId, n(payload), k(payload), SyntheticTask.taskIdOf(block, taskId), root, proof);
        };
    }

    @Override
    public byte[] mergePart(JsonNode payload, int index, byte[] output) {
        return Arrays.copyOf(output, Sha256.LENGTH);
    }
}
