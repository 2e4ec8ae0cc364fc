package org.cpc.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.poc.MarketFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.keys.AccountKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /worker WebSocket with a raw JDK client: authentication, and what happens to messages it cannot use. */
class WorkerSocketTest {
    @TempDir
    Path tmp;

    /** Collects what the server sends; {@code closed} completes with the close code. */
    static final class Raw implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder text = new StringBuilder();
        WebSocket ws;

        static Raw connect(String url) throws Exception {
            Raw r = new Raw();
            r.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), r).get(10, TimeUnit.SECONDS);
            return r;
        }

        JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message from the server").isNotNull();
            return m;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(Json.parse(text.toString()));
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.complete(-1);
        }
    }

    private static ObjectNode hello(AccountKey signer, String address, JsonNode challenge) {
        ObjectNode o = Json.object();
        o.put("type", "hello");
        o.put("address", address);
        o.put("signature", Hex.encode(signer.signRecoverable(
                PoolProtocol.authDigest(Hex.decode(challenge.path("nonce").asText())))));
        o.put("max_jobs", 1000);
        return o;
    }

    @Test
    void workersProveTheirAddressAndBadMessagesAreRefused() throws Exception {
        try (PocValidator v = start(config(tmp), newKey(), new FakeLedger())) {
            AccountKey key = newKey();
            // A signature by another key than the address claims: refused, connection closed (policy violation).
            Raw liar = Raw.connect(v.workerUrl());
            JsonNode challenge = liar.next();
            assertThat(challenge.path("type").asText()).isEqualTo("challenge");
            assertThat(challenge.path("nonce").asText()).hasSize(64);
            liar.ws.sendText(hello(newKey(), key.address(), challenge).toString(), true);
            assertThat(liar.next().path("error").asText()).contains("not by " + key.address());
            assertThat(liar.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);

            // Anything but hello first: refused.
            Raw rude = Raw.connect(v.workerUrl());
            rude.next();
            rude.ws.sendText("{\"type\":\"heartbeat\"}", true);
            assertThat(rude.next().path("error").asText()).contains("hello");
            assertThat(rude.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);

            // The real key: welcomed, with the validator's per-worker limit rather than the 1000 asked for.
            Raw good = Raw.connect(v.workerUrl());
            good.ws.sendText(hello(key, key.address(), good.next()).toString(), true);
            JsonNode welcome = good.next();
            assertThat(welcome.path("type").asText()).isEqualTo("welcome");
            assertThat(welcome.path("max_jobs").asInt()).isEqualTo(8);
            assertThat(welcome.path("max_result_bytes").asInt()).isEqualTo(PocConfig.DEFAULT_MAX_RESULT_BYTES);
            // A result for a job it was never given, and a malformed frame: errors, the connection stays.
            ObjectNode h = Json.object();
            h.put("type", "job_result");
            h.put("job_id", "nope/0");
            h.put("result_hash", "00".repeat(32));
            h.put("signature", "00".repeat(65));
            good.ws.sendBinary(PoolProtocol.encodeResultFrame(h, new byte[4]), true);
            assertThat(good.next().path("error").asText()).contains("not assigned to you");
            good.ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 0, 0}), true);
            assertThat(good.next().path("error").asText()).contains("malformed result frame");
            good.ws.sendText("{\"type\":\"dance\"}", true);
            assertThat(good.next().path("error").asText()).contains("unknown message type");
            // A text message above 64 KiB: Jetty closes with 1009 (message too big).
            good.ws.sendText("{\"type\":\"heartbeat\",\"x\":\"" + "a".repeat(70_000) + "\"}", true);
            assertThat(good.closed.get(10, TimeUnit.SECONDS)).isIn(1009, -1);
        }
    }
}
