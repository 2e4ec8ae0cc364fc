package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.cpc.compute.MatrixGenerator;

/**
 * The seed's Task Market example: payload {@code {"seed","matrix_size","iterations"}}, one job per iteration. Job i
 * is the synthetic multiply of matrices generated from the job's own seed; for benchmarks and network tests.
 */
public final class SyntheticChallenge implements ChallengeType {
    public static final SyntheticChallenge INSTANCE = new SyntheticChallenge();
    static final List<String> FIELDS = List.of("seed", "matrix_size", "iterations");

    private SyntheticChallenge() {}

    @Override
    public String name() {
        return "synthetic";
    }

    @Override
    public void validatePayload(JsonNode payload) {
        Payloads.onlyFields(payload, name(), FIELDS);
        Payloads.hash(payload, name(), "seed");
        Payloads.integer(payload, name(), "matrix_size", 2, MatrixGenerator.MAX_N);
        Payloads.integer(payload, name(), "iterations", 1, MAX_JOBS);
    }

    @Override
    public int jobCount(JsonNode payload) {
        return (int) payload.get("iterations").longValue();
    }
}
