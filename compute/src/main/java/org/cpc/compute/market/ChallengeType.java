package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A kind of market task: what its payload says, how it splits into jobs, and (in the PoC validator) how a job is
 * executed, verified and merged. L1 uses only {@link #validatePayload} and {@link #jobCount}: the number of jobs is a
 * deterministic function of the payload, so the chain knows when a task is complete.
 */
public sealed interface ChallengeType permits SyntheticChallenge, MatmulChallenge {
    /** Most jobs one task may have; bounds the chain's per-task state. */
    int MAX_JOBS = 10_000;

    /** The {@code challenge_type} string: "synthetic", "matmul". */
    String name();

    /**
     * Checks the payload's shape and bounds; throws {@link IllegalArgumentException} naming the field that is wrong.
     * Deterministic and cheap: it runs inside block execution.
     */
    void validatePayload(JsonNode payload);

    /** Jobs the task splits into, 1..{@link #MAX_JOBS}; only called on a valid payload. */
    int jobCount(JsonNode payload);

    static Optional<ChallengeType> named(String name) {
        return switch (name) {
            case "synthetic" -> Optional.of(SyntheticChallenge.INSTANCE);
            case "matmul" -> Optional.of(MatmulChallenge.INSTANCE);
            default -> Optional.empty();
        };
    }

    /** Like {@link #named} but throws a message listing the known types. */
    static ChallengeType require(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown challenge_type '" + name + "'; known: synthetic, matmul"));
    }
}
