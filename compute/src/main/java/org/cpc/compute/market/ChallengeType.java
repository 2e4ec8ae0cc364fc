package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.crypto.Sha256;

/**
 * A kind of market task: what its payload says, how it splits into jobs, and (in the PoC validator) how a job is
 * executed, verified and merged. L1 uses only {@link #validatePayload} and {@link #jobCount}: the number of jobs is a
 * deterministic function of the payload, so the chain knows when a task is complete.
 */
public sealed interface ChallengeType permits SyntheticChallenge, MatmulChallenge, InferenceChallenge {
    /** Most jobs one task may have; bounds the chain's per-task state. */
    int MAX_JOBS = 10_000;

    /** The {@code challenge_type} string: "synthetic", "matmul", "inference". */
    String name();

    /**
     * Checks the payload's shape and bounds; throws {@link IllegalArgumentException} naming the field that is wrong.
     * Deterministic and cheap: it runs inside block execution.
     */
    void validatePayload(JsonNode payload);

    /** Jobs the task splits into, 1..{@link #MAX_JOBS}; only called on a valid payload. */
    int jobCount(JsonNode payload);

    // ---- The PoC validator's and the worker's side: describe, execute, verify, merge. ----

    /** Blob hashes the task reads (matmul: a and b); a valid payload's. */
    List<String> inputBlobs(JsonNode payload);

    /**
     * Checks that the input blobs exist and fit the payload (sizes), given each blob's size or -1 when unknown;
     * throws {@link IllegalArgumentException} naming the blob.
     */
    void checkInputs(JsonNode payload, ToLongFunction<String> blobSize);

    /**
     * Checks what the input blobs hold, where their sizes are not enough (inference: the model imports and matches
     * its commitment); called after {@link #checkInputs} when the PoC validator takes a task. Throws
     * {@link IllegalArgumentException} naming the field. Nothing to check by default.
     */
    default void checkInputContents(JsonNode payload, BlobSource blobs) {}

    /** What job {@code index} is, for people and logs (e.g. its row range). */
    ObjectNode describeJob(JsonNode payload, int index);

    /** Multiply-accumulates job {@code index} takes to compute: what its timeout is scaled by. */
    long jobMacs(JsonNode payload, int index);

    /** Multiply-accumulates the PoC validator spends checking job {@code index}'s output (set-up excluded). */
    long verifyMacs(JsonNode payload, int index);

    /** Most bytes job {@code index}'s output may have; what the PoC validator accepts from a worker. */
    long maxOutputBytes(JsonNode payload, int index);

    /**
     * Null when {@code output} is exactly the {@link #maxOutputBytes} of job {@code index}, as the output of a type
     * whose outputs have one size must be; else why not, with {@code makeup}: what that size is made of.
     */
    default String wrongSize(JsonNode payload, int index, byte[] output, String makeup) {
        long expected = maxOutputBytes(payload, index);
        return output.length == expected ? null
                : "job " + index + " output is " + output.length + " bytes, expected " + expected + " (" + makeup + ")";
    }

    /** Computes job {@code index} of task {@code taskId}: its output bytes. */
    byte[] execute(JsonNode payload, String taskId, int index, BlobSource blobs, GemmBackend gemm);

    /**
     * Job {@code index}'s result_hash: what its worker signs and L1 records. SHA-256 of the output by default; matmul
     * commits to its rows ({@link TraceCommitment}) so that one entry can be disputed. Throws
     * {@link IllegalArgumentException} for an output that has no commitment (the wrong size).
     */
    default byte[] resultHash(JsonNode payload, int index, byte[] output) {
        return Sha256.hash(output);
    }

    /**
     * The same, for a caller that holds the task's blobs: inference commits to its trace layer by layer
     * ({@link InferenceCommitment}), whose shape the model blob tells. What workers and PoC validators call.
     */
    default byte[] resultHash(JsonNode payload, int index, byte[] output, BlobSource blobs) {
        return resultHash(payload, index, output);
    }

    /**
     * A verifier for this task's jobs. {@code secret} is the PoC validator's private randomness: a worker that
     * knew it could forge outputs that pass.
     */
    JobVerifier verifier(JsonNode payload, String taskId, BlobSource blobs, RandomGenerator secret);

    /** Job {@code index}'s part of the task result; the result is the parts concatenated in job order. */
    byte[] mergePart(JsonNode payload, int index, byte[] output);

    /** The known types' names, for messages. */
    String KNOWN = "synthetic, matmul, inference";

    static Optional<ChallengeType> named(String name) {
        return switch (name) {
            case "synthetic" -> Optional.of(SyntheticChallenge.INSTANCE);
            case "matmul" -> Optional.of(MatmulChallenge.INSTANCE);
            case "inference" -> Optional.of(InferenceChallenge.INSTANCE);
            default -> Optional.empty();
        };
    }

    /** Like {@link #named} but throws a message listing the known types. */
    static ChallengeType require(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown challenge_type '" + name + "'; known: " + KNOWN));
    }
}
