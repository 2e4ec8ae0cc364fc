package org.cpc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Transaction;

/** A client of the node's REST API over the JDK HttpClient. Thread-safe; one instance per node URL. */
public final class NodeClient {
    /** A reply the node gave: its status and JSON body (an error object for 4xx and 5xx). */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The node's error message, or the status when the body has none. */
        public String error() {
            JsonNode e = body.get("error");
            return e != null && e.isTextual() ? e.textValue() : "HTTP " + status;
        }
    }

    /** The node could not be reached, or answered with something that is not JSON. */
    public static final class NodeUnavailableException extends RuntimeException {
        public NodeUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final byte[] BATCH_OPEN = "{\"transactions\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BATCH_CLOSE = "]}".getBytes(StandardCharsets.UTF_8);

    private final URI base;
    private final HttpClient http;

    public NodeClient(String baseUrl) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("node URL '" + baseUrl + "' must look like http://127.0.0.1:8000");
        }
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI base() {
        return base;
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    public Reply post(String path, JsonNode body) {
        return send(postRequest(path, Jcs.canonicalize(body)));
    }

    public Reply sendTransaction(Transaction tx) {
        return sendEncodedTransaction(Jcs.canonicalize(tx.toJson()));
    }

    /**
     * {@code POST /tx/batch}: up to 1,000 transactions in one request; the reply's {@code results} answers each in
     * order. Written straight from each transaction's canonical bytes, without building a JSON tree of the batch.
     */
    public Reply sendTransactions(List<Transaction> txs) {
        return sendEncodedTransactions(txs.stream().map(tx -> Jcs.canonicalize(tx.toJson())).toList());
    }

    /** {@link #sendTransactions} of transactions already in their canonical JSON, e.g. signed ahead of time. */
    public Reply sendEncodedTransactions(List<byte[]> canonicalTxs) {
        int size = BATCH_OPEN.length + BATCH_CLOSE.length + canonicalTxs.size();
        for (byte[] tx : canonicalTxs) size += tx.length;
        ByteArrayOutputStream body = new ByteArrayOutputStream(size);
        body.writeBytes(BATCH_OPEN);
        for (int i = 0; i < canonicalTxs.size(); i++) {
            if (i > 0) body.write(',');
            body.writeBytes(canonicalTxs.get(i));
        }
        body.writeBytes(BATCH_CLOSE);
        return send(postRequest("/tx/batch", body.toByteArray()));
    }

    /** {@code POST /tx/send} of one transaction already in its canonical JSON. */
    public Reply sendEncodedTransaction(byte[] canonicalTx) {
        return send(postRequest("/tx/send", canonicalTx));
    }

    /** Sends without waiting, for load generators; the future fails only when the node is unreachable. */
    public CompletableFuture<Reply> sendTransactionAsync(Transaction tx) {
        return http.sendAsync(postRequest("/tx/send", Jcs.canonicalize(tx.toJson())), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Reply(r.statusCode(), parse(r.body(), r.statusCode())));
    }

    public JsonNode status() {
        return require(get("/status"));
    }

    public JsonNode params() {
        return require(get("/params"));
    }

    public JsonNode balance(String address) {
        return require(get("/balance/" + encode(address)));
    }

    /** The reply's body when it is a success, otherwise an exception carrying the node's message. */
    public static JsonNode require(Reply r) {
        if (!r.ok()) throw new IllegalStateException("node answered " + r.status() + ": " + r.error());
        return r.body();
    }

    public static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpRequest postRequest(String path, byte[] body) {
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    private Reply send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), parse(r.body(), r.statusCode()));
        } catch (ConnectException e) {
            throw new NodeUnavailableException("cannot connect to the node at " + base
                    + " (is it running? start one with: cpc devnet)", e);
        } catch (IOException e) {
            throw new NodeUnavailableException("request to " + req.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeUnavailableException("interrupted while waiting for " + req.uri(), e);
        }
    }

    private JsonNode parse(byte[] body, int status) {
        if (body.length == 0) return Json.object();
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            ObjectNode o = Json.object();
            o.put("error", "the node answered HTTP " + status + " with a body that is not JSON");
            return o;
        }
    }
}
