package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A market task's payload, the header that says what its blobs are (matmul: the hashes of A and B and their shape
 * m×k, k×n): {@link ChallengeType#validatePayload} runs inside block execution on every CREATE_TASK, and the PoC
 * validator checks the uploaded blobs against it ({@link ChallengeType#checkInputs}) and sizes jobs from it. The
 * contract: a valid payload, or an {@link IllegalArgumentException}. A valid payload splits into 1..MAX_JOBS jobs,
 * each with a row range inside the matrix, positive work and an output bound no larger than job 0's (by which the
 * PoC validator admits the task); blobs of exactly the declared size pass {@code checkInputs}, others are refused
 * by name.
 */
class TaskPayloadFuzzTest {

    /** The input: {@code {"challenge_type":"matmul"|"synthetic"|"inference","payload":{…}}}. */
    @FuzzTest
    void payload(byte[] json) {
        JsonNode n;
        ChallengeType type;
        JsonNode payload;
        try {
            n = Json.parse(json);
            type = ChallengeType.require(n.path("challenge_type").asText());
            payload = n.get("payload");
            type.validatePayload(payload);
        } catch (IllegalArgumentException refused) {
            return;
        }
        int jobs = type.jobCount(payload);
        assertThat(jobs).isBetween(1, ChallengeType.MAX_JOBS);
        for (int index : new int[] {0, jobs / 2, jobs - 1}) {
            assertThat(type.jobMacs(payload, index)).isPositive();
            assertThat(type.verifyMacs(payload, index)).isNotNegative();
            // The PoC validator refuses a task by job 0's bound (Market.submit): no job may have a larger one.
            assertThat(type.maxOutputBytes(payload, index)).isBetween(1L, type.maxOutputBytes(payload, 0));
            JsonNode d = type.describeJob(payload, index);
            if (type instanceof MatmulChallenge) {
                long m = payload.get("m").longValue();
                assertThat(d.get("row_start").longValue()).isBetween(0L, m - 1);
                assertThat(d.get("row_end").longValue()).isBetween(d.get("row_start").longValue() + 1, m);
            }
        }
        for (String blob : type.inputBlobs(payload)) assertThat(blob).matches("[0-9a-f]{64}");
        if (type instanceof MatmulChallenge) {
            long m = payload.get("m").longValue();
            long k = payload.get("k").longValue();
            long nn = payload.get("n").longValue();
            String a = payload.get("a").textValue();
            String b = payload.get("b").textValue();
            if (!a.equals(b) || m * k == k * nn) {
                type.checkInputs(payload, h -> h.equals(a) ? m * k : k * nn);
            }
            try {
                type.checkInputs(payload, h -> h.equals(a) ? m * k + 1 : -1);
                throw new AssertionError("a blob of the wrong size passed");
            } catch (IllegalArgumentException refused) {
                assertThat(refused).hasMessageStartingWith("matmul payload.");
            }
        } else if (type instanceof InferenceChallenge) {
            String model = payload.get("model").textValue();
            long input = payload.get("samples").longValue() * payload.get("sample_input_bytes").longValue();
            if (!model.equals(payload.get("input").textValue())) {
                type.checkInputs(payload, h -> h.equals(model) ? 1000 : input);
                try {
                    type.checkInputs(payload, h -> h.equals(model) ? 1000 : input + 1);
                    throw new AssertionError("an input blob of the wrong size passed");
                } catch (IllegalArgumentException refused) {
                    assertThat(refused).hasMessageStartingWith("inference payload.");
                }
            }
        } else {
            type.checkInputs(payload, h -> -1);
        }
    }

    // ---- seed corpus ----

    static Map<String, byte[]> seeds() {
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("matmul", matmul(a, b, 64, 48, 32, 8));
        s.put("matmul-one-job", matmul(a, b, 3, 5, 7, 100));
        s.put("matmul-uneven", matmul(a, a, 10, 10, 10, 3));
        s.put("matmul-largest", matmul(a, b, 65536, 16384, 65536, 65536));
        s.put("matmul-k-over-proof-limit", matmul(a, b, 1, 16385, 1, 1));
        s.put("matmul-too-many-jobs", matmul(a, b, 65536, 1, 1, 1));
        s.put("matmul-input-too-big", matmul(a, b, 65536, 65536, 1, 7));
        s.put("matmul-zero", matmul(a, b, 0, 1, 1, 1));
        s.put("matmul-dim-fraction", matmul(a, b, 8, 8, 8, 4).replace("\"m\":8", "\"m\":8.5"));
        s.put("matmul-dim-huge", matmul(a, b, 8, 8, 8, 4).replace("\"m\":8", "\"m\":1e99"));
        s.put("matmul-hash-upper", matmul(a.toUpperCase(), b, 8, 8, 8, 4));
        s.put("matmul-extra-field", matmul(a, b, 8, 8, 8, 4).replace("\"a\":", "\"c\":1,\"a\":"));
        s.put("synthetic", "{\"challenge_type\":\"synthetic\",\"payload\":{\"seed\":\"" + "c".repeat(64)
                + "\",\"matrix_size\":256,\"iterations\":10}}");
        s.put("synthetic-max", "{\"challenge_type\":\"synthetic\",\"payload\":{\"seed\":\"" + "c".repeat(64)
                + "\",\"matrix_size\":4096,\"iterations\":10000}}");
        s.put("inference", inference(a, b, 1000, 64, 784, 10, 4000, 100_000));
        s.put("inference-one-job", inference(a, b, 3, 100, 16, 4, 60, 200));
        s.put("inference-too-many-jobs", inference(a, b, 20_000, 1, 16, 4, 60, 200));
        s.put("inference-trace-too-big", inference(a, b, 1 << 20, 1 << 20, 1, 4, 4096, 200));
        s.put("inference-output-over-trace", inference(a, b, 8, 4, 16, 100, 60, 200));
        s.put("inference-zero-macs", inference(a, b, 8, 4, 16, 4, 60, 0));
        s.put("unknown-type", "{\"challenge_type\":\"sha256\",\"payload\":{}}");
        s.put("payload-array", "{\"challenge_type\":\"matmul\",\"payload\":[]}");
        return FuzzSeeds.utf8(s);
    }

    static String inference(String model, String input, long samples, long perJob, long in, long out, long trace,
                            long macs) {
        return "{\"challenge_type\":\"inference\",\"payload\":{\"model\":\"" + model + "\",\"model_commitment\":\""
                + "c".repeat(64) + "\",\"input\":\"" + input + "\",\"input_root\":\"" + "d".repeat(64) + "\",\"samples\":" + samples + ",\"samples_per_job\":" + perJob
                + ",\"sample_input_bytes\":" + in + ",\"sample_output_bytes\":" + out + ",\"sample_trace_bytes\":" + trace
                + ",\"sample_macs\":" + macs + "}}";
    }

    static String matmul(String a, String b, long m, long k, long n, long rows) {
        return "{\"challenge_type\":\"matmul\",\"payload\":{\"a\":\"" + a + "\",\"b\":\"" + b + "\",\"a_root\":\""
                + "d".repeat(64) + "\",\"b_root\":\"" + "e".repeat(64) + "\",\"m\":" + m
                + ",\"k\":" + k + ",\"n\":" + n + ",\"rows_per_job\":" + rows + "}}";
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "payload", seeds());
    }
}
