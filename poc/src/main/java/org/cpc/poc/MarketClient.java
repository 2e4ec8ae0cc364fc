package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;

/** A customer's client of the Task Market REST API (JDK HttpClient), and the CREATE_TASK a customer signs. */
public final class MarketClient {
    /** The market refused a request: its status and message. */
    public static final class MarketException extends RuntimeException {
        private final int status;

        public MarketException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public MarketClient(String baseUrl) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        if (base.getScheme() == null || base.getHost() == null) {
            throw new IllegalArgumentException("Task Market URL '" + baseUrl + "' must look like http://127.0.0.1:8080");
        }
    }

    public URI base() {
        return base;
    }

    /**
     * The customer's signed CREATE_TASK: amount = reward (the escrow), gas as the chain charges it, minimum gas price.
     */
    public static Transaction createTaskTx(AccountKey customer, NetworkParams params, ComputeTask task, long nonce,
                                           long timestampSeconds) {
        return TxBuilder.of(params, customer).nonce(nonce).timestamp(timestampSeconds).createTask(task);
    }

    /** POST /blobs; returns {"hash","size"}. */
    public JsonNode uploadBlob(byte[] data) {
        return send(HttpRequest.newBuilder(base.resolve("/blobs")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build());
    }

    public JsonNode uploadBlob(Path file) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve("/blobs")).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build());
    }

    public JsonNode createTask(Transaction tx) {
        return send(HttpRequest.newBuilder(base.resolve("/tasks")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Jcs.canonicalize(tx.toJson()))).build());
    }

    /** POST /tasks/{id}/cancel with the creator's signed CANCEL_TASK. */
    public JsonNode cancelTask(String taskId, Transaction tx) {
        return send(HttpRequest.newBuilder(base.resolve("/tasks/" + enc(taskId) + "/cancel"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Jcs.canonicalize(tx.toJson()))).build());
    }

    /** A signed CANCEL_TASK of {@code taskId} by its creator. */
    public static Transaction cancelTaskTx(AccountKey creator, NetworkParams params, String taskId, long nonce,
                                           long timestampSeconds) {
        return TxBuilder.of(params, creator).nonce(nonce).timestamp(timestampSeconds).cancelTask(taskId);
    }

    public JsonNode task(String taskId) {
        return get("/tasks/" + enc(taskId));
    }

    public JsonNode list(String status, String challengeType, int limit, int offset) {
        StringBuilder q = new StringBuilder("/tasks?limit=" + limit + "&offset=" + offset);
        if (status != null) q.append("&status=").append(enc(status));
        if (challengeType != null) q.append("&challenge_type=").append(enc(challengeType));
        return get(q.toString());
    }

    /** GET /blobs/{hash} into memory, refused unless its bytes hash to {@code hash} (the market is not trusted). */
    public byte[] blob(String hash) {
        HttpResponse<byte[]> r = raw(HttpRequest.newBuilder(base.resolve("/blobs/" + enc(hash)))
                .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw error(r.statusCode(), r.body());
        if (!Hex.encode(Sha256.hash(r.body())).equals(hash)) {
            throw new MarketException(0, "the Task Market's blob " + hash + " does not hash to its name");
        }
        return r.body();
    }

    /** GET /tasks/{id}/result into memory. */
    public byte[] result(String taskId) {
        return bytes("/tasks/" + enc(taskId) + "/result");
    }

    /**
     * GET /tasks/{id}/jobs/{job}/output into memory: the job's output as its worker sent it (inference: its trace).
     * Not trusted: a fraud proof built from it is checked against the job's result_hash on L1.
     */
    public byte[] jobOutput(String taskId, int job) {
        return bytes("/tasks/" + enc(taskId) + "/jobs/" + job + "/output");
    }

    private byte[] bytes(String path) {
        HttpResponse<byte[]> r = raw(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw error(r.statusCode(), r.body());
        return r.body();
    }

    /**
     * GET /tasks/{id}/result into a file; returns the X-Result-Hash header. Downloads beside {@code out} and moves
     * into place only on success, so a failed download leaves an existing file as it was.
     */
    public String result(String taskId, Path out) {
        Path abs = out.toAbsolutePath();
        Path part;
        try {
            part = java.nio.file.Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".part");
        } catch (IOException e) {
            throw new MarketException(0, "cannot write beside " + out + ": " + e.getMessage());
        }
        try {
            HttpResponse<Path> r = raw(HttpRequest.newBuilder(base.resolve("/tasks/" + enc(taskId) + "/result"))
                    .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofFile(part,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING));
            if (r.statusCode() != 200) {
                byte[] body;
                try {
                    body = java.nio.file.Files.readAllBytes(part);
                } catch (IOException e) {
                    body = new byte[0];
                }
                throw error(r.statusCode(), body);
            }
            java.nio.file.Files.move(part, abs, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return r.headers().firstValue("X-Result-Hash").orElse("");
        } catch (IOException e) {
            throw new MarketException(0, "cannot write " + out + ": " + e.getMessage());
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private JsonNode send(HttpRequest req) {
        HttpResponse<byte[]> r = raw(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) throw error(r.statusCode(), r.body());
        return Json.parse(r.body());
    }

    private <T> HttpResponse<T> raw(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(req, handler);
        } catch (ConnectException e) {
            throw new MarketException(0, "cannot connect to the Task Market at " + base + " (is `cpc poc start` running?)");
        } catch (IOException e) {
            throw new MarketException(0, "request to " + req.uri() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MarketException(0, "interrupted while waiting for " + req.uri());
        }
    }

    private static MarketException error(int status, byte[] body) {
        String msg;
        try {
            JsonNode n = Json.parse(body);
            msg = n.path("error").asText("HTTP " + status);
        } catch (RuntimeException e) {
            msg = "HTTP " + status;
        }
        return new MarketException(status, msg);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A ComputeTask with a fresh random UUID. */
    public static ComputeTask newTask(String challengeType, ObjectNode payload, BigInteger reward, long deadline) {
        return new ComputeTask(java.util.UUID.randomUUID().toString(), challengeType, payload, reward, deadline);
    }
}
