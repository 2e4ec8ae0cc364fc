package org.cpc.compute.market;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.Job;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolMessage.ServerMessage;
import org.cpc.compute.market.PoolMessage.WorkerMessage;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The pool WebSocket protocol between a PoC validator and its workers, through its one codec ({@link PoolCodec}):
 * text messages either way and binary result frames. The contract: a message, or a {@link PoolProtocolException}
 * (with its close code) — nothing else; a decoded message encodes to text (or a frame) that decodes to a message
 * with the same encoding. What the receiver does next with a hello (recovering the worker's key from its signature)
 * or a job (checking its payload) throws nothing but {@link IllegalArgumentException}.
 */
class PoolCodecFuzzTest {
    static final int MAX_RESULT_BYTES = 1 << 20;

    @FuzzTest
    void textMessage(byte[] utf8) throws PoolProtocolException {
        PoolMessage m;
        try {
            m = PoolCodec.decode(new String(utf8, UTF_8));
        } catch (PoolProtocolException refused) {
            assertThat(refused.code()).isNotNull();
            return;
        }
        String text = encode(m);
        assertThat(encode(PoolCodec.decode(text))).isEqualTo(text);
        try {
            if (m instanceof Hello h) Secp256k1.get().recover(PoolProtocol.authDigest(new byte[32]), h.signature());
            if (m instanceof Job j) ChallengeType.require(j.challengeType()).validatePayload(j.payload());
        } catch (IllegalArgumentException refused) {
            // the worker is refused, or the job fails, with this message
        }
    }

    @FuzzTest
    void resultFrame(byte[] frame) throws PoolProtocolException {
        JobResult r;
        try {
            r = PoolCodec.decode(ByteBuffer.wrap(frame), MAX_RESULT_BYTES);
        } catch (PoolProtocolException refused) {
            assertThat(refused.code()).isNotNull();
            return;
        }
        assertThat(r.output().length).isEqualTo(frame.length - 4 - ByteBuffer.wrap(frame).getInt());
        ByteBuffer again = PoolCodec.encode(r);
        JobResult back = PoolCodec.decode(again.duplicate(), MAX_RESULT_BYTES);
        assertThat(PoolCodec.encode(back)).isEqualTo(again);
        assertThat(back.output()).isEqualTo(r.output());
    }

    private static String encode(PoolMessage m) {
        return switch (m) {
            case ServerMessage s -> PoolCodec.encode(s);
            case WorkerMessage w -> PoolCodec.encode(w);
            case JobResult r -> throw new AssertionError("a result frame came out of a text message");
        };
    }

    // ---- seed corpus: the codec's samples (src/test/resources/fuzz/pool) and a few more ----

    static Map<String, byte[]> seeds(String suffix) throws IOException, URISyntaxException {
        Map<String, byte[]> s = new LinkedHashMap<>();
        Path dir = Path.of(PoolCodecFuzzTest.class.getResource("/fuzz/pool").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.toString().endsWith(suffix)).sorted().toList()) {
                s.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return s;
    }

    static Map<String, byte[]> textSeeds() throws IOException, URISyntaxException {
        Map<String, byte[]> s = seeds(".json");
        s.put("gops-huge.json", ("{\"type\":\"hello\",\"address\":\"cpc1x\",\"signature\":\"" + "11".repeat(65)
                + "\",\"gops\":1e400,\"max_jobs\":2}").getBytes(UTF_8));
        s.put("max-jobs-exponent.json", ("{\"type\":\"hello\",\"address\":\"cpc1x\",\"signature\":\"" + "11".repeat(65)
                + "\",\"max_jobs\":1e999999999}").getBytes(UTF_8));
        s.put("job-id-lone-surrogate.json", "{\"type\":\"cancel\",\"job_id\":\"\\ud800\",\"reason\":\"x\"}".getBytes(UTF_8));
        return s;
    }

    static Map<String, byte[]> frameSeeds() throws IOException, URISyntaxException {
        Map<String, byte[]> s = seeds(".bin");
        s.put("length-negative.bin", new byte[] {(byte) 0x80, 0, 0, 0});
        s.put("length-huge.bin", new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, '{', '}'});
        return s;
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws Exception {
        FuzzSeeds.write(getClass(), "textMessage", textSeeds());
        FuzzSeeds.write(getClass(), "resultFrame", frameSeeds());
    }
}
