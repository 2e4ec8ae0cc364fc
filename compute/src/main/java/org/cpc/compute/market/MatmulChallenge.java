package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A customer's matrix product: payload {@code {"a","b","m","k","n","rows_per_job"}} where {@code a} and {@code b} are
 * blob hashes (SHA-256 of the bytes) of int8 row-major matrices A (m×k) and B (k×n); the result C (m×n) is int32
 * little-endian row-major. Job j computes rows [j·rows_per_job, min(m, (j+1)·rows_per_job)) of C.
 */
public final class MatmulChallenge implements ChallengeType {
    public static final MatmulChallenge INSTANCE = new MatmulChallenge();
    static final List<String> FIELDS = List.of("a", "b", "m", "k", "n", "rows_per_job");
    /** Largest dimension accepted; bounds blob sizes and a job's memory. */
    public static final int MAX_DIM = 65_536;
    /** Largest input matrix in bytes (A or B): 1 GiB. */
    public static final long MAX_INPUT_BYTES = 1L << 30;

    private MatmulChallenge() {}

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public void validatePayload(JsonNode payload) {
        Payloads.onlyFields(payload, name(), FIELDS);
        Payloads.hash(payload, name(), "a");
        Payloads.hash(payload, name(), "b");
        long m = Payloads.integer(payload, name(), "m", 1, MAX_DIM);
        long k = Payloads.integer(payload, name(), "k", 1, MAX_DIM);
        long n = Payloads.integer(payload, name(), "n", 1, MAX_DIM);
        long rows = Payloads.integer(payload, name(), "rows_per_job", 1, MAX_DIM);
        if (m * k > MAX_INPUT_BYTES || k * n > MAX_INPUT_BYTES) {
            throw new IllegalArgumentException("matmul inputs are limited to " + MAX_INPUT_BYTES + " bytes each (m·k, k·n)");
        }
        if (ceilDiv(m, rows) > MAX_JOBS) {
            throw new IllegalArgumentException("matmul payload splits into " + ceilDiv(m, rows) + " jobs; at most "
                    + MAX_JOBS + " (raise rows_per_job)");
        }
    }

    @Override
    public int jobCount(JsonNode payload) {
        return (int) ceilDiv(payload.get("m").longValue(), payload.get("rows_per_job").longValue());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
