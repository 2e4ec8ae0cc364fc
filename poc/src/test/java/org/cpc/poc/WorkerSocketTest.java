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
import org.cpc.compute.market.PoolCodec;
import org.cpc.compute.market.PoolMessage.JobResult;
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

    /** Written by hand, as a worker of an earlier build (or another implementation) would. */
    private static ObjectNode hello(AccountKey signer, String address, JsonNode challenge) {
        ObjectNode o = Json.object();
        o.put("type", "hello");
        o.put("address", address);
        o.put("signature", Hex.encode(signer.signRecoverable(
                PoolProtocol.authDigest(Hex.decode(challenge.path("nonce").asText())))));
        o.put("max_jobs", 1000);
        return o;
    }

    /** A connection that answered its challenge as {@code key} and got its welcome. */
    private static Raw welcomed(PocValidator v, AccountKey key) throws Exception {
        Raw r = Raw.connect(v.workerUrl());
        r.ws.sendText(hello(key, key.address(), r.next()).toString(), true);
        JsonNode welcome = r.next();
        assertThat(welcome.path("type").asText()).isEqualTo("welcome");
        assertThat(welcome.path("max_jobs").asInt()).isEqualTo(8);
        assertThat(welcome.path("max_result_bytes").asInt()).isEqualTo(PocConfig.DEFAULT_MAX_RESULT_BYTES);
        return r;
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
            Raw good = welcomed(v, key);
            // A result for a job it was never given: an error, the connection stays.
            good.ws.sendBinary(PoolCodec.encode(new JobResult("nope/0", new byte[32], new byte[65], new byte[4])), true);
            assertThat(good.next().path("error").asText()).contains("not assigned to you");
            // A malformed frame: the reason, then the connection closes (protocol error).
            good.ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 0, 0}), true);
            assertThat(good.next().path("error").asText()).contains("result frame shorter than");
            assertThat(good.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1002);
            // A message of no known type: the same.
            Raw dancer = welcomed(v, key);
            dancer.ws.sendText("{\"type\":\"dance\"}", true);
            assertThat(dancer.next().path("error").asText()).contains("unknown message type 'dance'");
            assertThat(dancer.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1002);
            // A known message with a bad field: the reason names it, the connection closes (policy violation).
            Raw sloppy = welcomed(v, key);
            sloppy.ws.sendText("{\"type\":\"job_error\",\"job_id\":7,\"error\":\"x\"}", true);
            assertThat(sloppy.next().path("error").asText()).isEqualTo("job_error.job_id must be a string of 1 to 128 characters");
            assertThat(sloppy.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
            // A text message above 64 KiB: Jetty closes with 1009 (message too big).
            Raw big = welcomed(v, key);
            big.ws.sendText("{\"type\":\"heartbeat\",\"x\":\"" + "a".repeat(70_000) + "\"}", true);
            assertThat(big.closed.get(10, TimeUnit.SECONDS)).isIn(1009, -1);
        }
    }
}
