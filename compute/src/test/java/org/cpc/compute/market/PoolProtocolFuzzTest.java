package org.cpc.compute.market;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The pool WebSocket protocol between a PoC validator and its workers (docs/api.md), as it is decoded today: binary
 * result frames ({@link PoolProtocol#decodeResultFrame}) and text messages ({@code Json.parse}, then the fields that
 * {@code poc/Market.onText} and {@code worker/PoolWorker} read). TODO: once the typed {@code PoolCodec} replaces
 * these, point both targets at its decoders and keep the corpus.
 *
 * <p>The contract: a frame or message, or an {@link IllegalArgumentException}; reading the fields of what decodes
 * (hex, the worker's recoverable signature, numbers) throws nothing else either. A result frame whose header has a
 * canonical form re-encodes to a frame that decodes to the same header and output.
 */
class PoolProtocolFuzzTest {

    @FuzzTest
    void resultFrame(byte[] frame) {
        PoolProtocol.ResultFrame f;
        try {
            f = PoolProtocol.decodeResultFrame(ByteBuffer.wrap(frame));
        } catch (IllegalArgumentException refused) {
            return;
        }
        int headerLength = ByteBuffer.wrap(frame).getInt();
        assertThat(f.output()).isEqualTo(Arrays.copyOfRange(frame, 4 + headerLength, frame.length));
        // What the PoC validator reads next (Market.onBinary, verifyAndRecord).
        f.header().path("job_id").asText();
        f.header().path("result_hash").asText();
        try {
            Hex.decode(f.header().path("signature").asText(), 65, "signature");
        } catch (IllegalArgumentException refused) {
            // the job is rejected with this message
        }
        if (f.header() instanceof ObjectNode h && canonical(h)) {
            PoolProtocol.ResultFrame again = PoolProtocol.decodeResultFrame(PoolProtocol.encodeResultFrame(h, f.output()));
            assertThat(again.header()).isEqualTo(Json.parse(Jcs.canonicalize(h)));
            assertThat(again.output()).isEqualTo(f.output());
        }
    }

    @FuzzTest
    void textMessage(byte[] utf8) {
        JsonNode m;
        try {
            m = Json.parse(new String(utf8, UTF_8));
        } catch (IllegalArgumentException refused) {
            return;
        }
        String type = m.path("type").asText();
        // The PoC validator's side (Market.onText, hello): a worker's messages.
        m.path("address").asText();
        m.path("max_jobs").asInt(4);
        m.path("job_id").asText();
        m.path("error").asText();
        try {
            byte[] sig = Hex.decode(m.path("signature").asText(), 65, "signature");
            Secp256k1.get().recover(PoolProtocol.authDigest(new byte[32]), sig);
        } catch (IllegalArgumentException refused) {
            // authentication failed: the worker is disconnected with this message
        }
        // The worker's side (PoolWorker.handle): the PoC validator's messages.
        try {
            Hex.decode(m.path("nonce").asText());
        } catch (IllegalArgumentException refused) {
            // a malformed challenge
        }
        m.path("heartbeat_ms").asLong(5000);
        m.path("index").asInt();
        if (type.equals("job_accepted")) {
            try {
                new BigInteger(m.path("reward_wei").asText("0"));
            } catch (NumberFormatException refused) {
                // an IllegalArgumentException too
            }
        }
        if (type.equals("job")) {
            try {
                ChallengeType.require(m.path("challenge_type").asText()).validatePayload(m.get("payload"));
            } catch (IllegalArgumentException refused) {
                // the job fails with this message
            }
        }
    }

    private static boolean canonical(JsonNode n) {
        try {
            Jcs.requireCanonical(n, "header");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- seed corpus ----

    static byte[] frame(String header, byte[] output) {
        byte[] h = header.getBytes(UTF_8);
        return ByteBuffer.allocate(4 + h.length + output.length).putInt(h.length).put(h).put(output).array();
    }

    static Map<String, byte[]> frameSeeds() {
        String header = "{\"job_id\":\"t1/0\",\"result_hash\":\"" + "ab".repeat(32) + "\",\"signature\":\""
                + "cd".repeat(65) + "\",\"size\":8,\"type\":\"job_result\"}";
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("result", frame(header, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        s.put("no-output", frame(header, new byte[0]));
        s.put("header-array", frame("[1,2]", new byte[] {9}));
        s.put("header-fraction", frame("{\"size\":0.5}", new byte[0]));
        s.put("header-not-json", frame("{\"job_id\":", new byte[] {1}));
        s.put("length-too-big", new byte[] {0, 0, 0x40, 1, '{', '}'});
        s.put("length-past-end", new byte[] {0, 0, 0, 9, '{', '}'});
        s.put("length-negative", new byte[] {(byte) 0x80, 0, 0, 0});
        s.put("length-zero", new byte[] {0, 0, 0, 0, 1});
        s.put("short", new byte[] {0, 0});
        return s;
    }

    static Map<String, byte[]> textSeeds() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("challenge", "{\"type\":\"challenge\",\"nonce\":\"" + "0f".repeat(32) + "\"}");
        s.put("hello", "{\"type\":\"hello\",\"address\":\"cpc1lxvp7agw998t68qm76ek6t20gh320yrs6jw5h9\",\"signature\":\""
                + "11".repeat(64) + "00\",\"backend\":\"java×2\",\"device\":\"cpu\",\"gops\":12.5,\"max_jobs\":4}");
        s.put("hello-high-s", s.get("hello").replace("11".repeat(64) + "00", "11".repeat(32) + "ff".repeat(32) + "01"));
        s.put("welcome", "{\"type\":\"welcome\",\"validator\":\"cpc1x\",\"max_jobs\":2,\"heartbeat_ms\":5000}");
        s.put("job", "{\"type\":\"job\",\"job_id\":\"t/0\",\"task_id\":\"t\",\"index\":0,\"challenge_type\":\"matmul\","
                + "\"payload\":{\"a\":\"" + "a".repeat(64) + "\",\"b\":\"" + "b".repeat(64)
                + "\",\"m\":8,\"k\":8,\"n\":8,\"rows_per_job\":4}}");
        s.put("job-synthetic", "{\"type\":\"job\",\"job_id\":\"t/1\",\"task_id\":\"t\",\"index\":1,"
                + "\"challenge_type\":\"synthetic\",\"payload\":{\"seed\":\"" + "c".repeat(64)
                + "\",\"matrix_size\":64,\"iterations\":2}}");
        s.put("job-accepted", "{\"type\":\"job_accepted\",\"job_id\":\"t/0\",\"reward_wei\":\"1000000\"}");
        s.put("job-accepted-bad-wei", "{\"type\":\"job_accepted\",\"reward_wei\":\"-1e5\"}");
        s.put("job-error", "{\"type\":\"job_error\",\"job_id\":\"t/0\",\"error\":\"out of memory\"}");
        s.put("heartbeat", "{\"type\":\"heartbeat\"}");
        s.put("max-jobs-huge", "{\"type\":\"hello\",\"max_jobs\":1e400}");
        s.put("not-an-object", "\"hello\"");
        Map<String, byte[]> out = new LinkedHashMap<>();
        s.forEach((k, v) -> out.put(k, v.getBytes(UTF_8)));
        return out;
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "resultFrame", frameSeeds());
        FuzzSeeds.write(getClass(), "textMessage", textSeeds());
    }
}
