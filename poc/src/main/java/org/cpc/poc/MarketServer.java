package org.cpc.poc;

import static org.cpc.node.api.JsonHttp.JSON;
import static org.cpc.node.api.JsonHttp.error;
import static org.cpc.node.api.JsonHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cpc.compute.market.PoolCodec;
import org.cpc.node.api.Download;
import org.cpc.node.api.JsonHttp;
import org.cpc.compute.market.PoolCodec;
import org.cpc.compute.market.PoolMessage;
import org.cpc.compute.market.PoolProtocolException;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.Refused;
import org.cpc.poc.core.StoreKeys;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.TaskStatus;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Task Market on HTTP (port 8080 by default): blobs, tasks, results, the OpenAPI document, and the
 * {@code /worker} WebSocket. Every error is JSON {@code {"error": "..."}}.
 */
public final class MarketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MarketServer.class);
    private static final long MAX_JSON_BODY = 1 << 20;
    private static final int MAX_LIST = 1000;
    private static final String SESSION = "cpc.session";

    public record Route(String method, String path) {}

    private final PocDriver driver;
    private final TaskIntake intake;
    private final RetentionSweeper retention;
    private final PocStore store;
    private final BlobStore blobs;
    private final PocConfig config;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sessions = new AtomicLong();
    private final Javalin app;
    private final List<Route> routes = new ArrayList<>();

    MarketServer(PocDriver driver, TaskIntake intake, RetentionSweeper retention, PocStore store, BlobStore blobs,
                 PocConfig config) {
        this.driver = driver;
        this.intake = intake;
        this.retention = retention;
        this.store = store;
        this.blobs = blobs;
        this.config = config;
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = MAX_JSON_BODY;
            QueuedThreadPool pool = new QueuedThreadPool(64, 8, 60_000);
            pool.setName("market");
            cfg.jetty.threadPool = pool;
            cfg.jetty.modifyWebSocketServletFactory(f -> {
                f.setMaxBinaryMessageSize(config.maxResultBytes() + PoolMessagesLimits.HEADER_ROOM);
                f.setMaxTextMessageSize(PoolCodec.MAX_TEXT_BYTES);
                f.setIdleTimeout(Duration.ofMillis(Math.max(30_000, 4 * config.heartbeat().toMillis())));
            });
        });
        registerErrors();
        registerRoutes();
    }

    /** Room for the JSON header in front of a result's bytes. */
    static final class PoolMessagesLimits {
        static final int HEADER_ROOM = PoolCodec.MAX_HEADER_BYTES + 4;
    }

    public MarketServer start() {
        app.start(config.host(), config.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        app.stop();
    }

    private void registerRoutes() {
        post("/blobs", this::putBlob);
        get("/blobs/{hash}", this::getBlob);
        post("/tasks", ctx -> json(ctx, 201, intake.create(parse(ctx))));
        get("/tasks", this::listTasks);
        get("/tasks/{task_id}", ctx -> {
            String id = ctx.pathParam("task_id");
            json(ctx, 200, ask(id, m -> m.task(id)));
        });
        get("/tasks/{task_id}/result", this::result);
        post("/tasks/{task_id}/cancel", ctx -> json(ctx, 200, intake.cancel(ctx.pathParam("task_id"), parse(ctx))));
        get("/workers", ctx -> json(ctx, 200, PocDriver.await(driver.call(PocMachine::workers))));
        get("/workers/{address}", ctx -> {
            String a = ctx.pathParam("address");
            json(ctx, 200, PocDriver.await(driver.call(m -> m.workerRecord(a))));
        });
        get("/retention", ctx -> json(ctx, 200, retention.view()));
        byte[] openapi = loadOpenApi();
        get("/openapi.json", ctx -> ctx.contentType(JSON).result(openapi));
        routes.add(new Route("GET", "/worker"));
        app.ws("/worker", ws -> {
            ws.onConnect(ctx -> {
                ctx.session.setMaxBinaryMessageSize(config.maxResultBytes() + PoolMessagesLimits.HEADER_ROOM);
                ctx.enableAutomaticPings(config.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                long id = sessions.incrementAndGet();
                ctx.attribute(SESSION, id);
                byte[] nonce = new byte[32];
                random.nextBytes(nonce);
                driver.connected(id, link(ctx), nonce);
            });
            // Frames are decoded here, on the connection's thread; the machine gets typed messages only.
            ws.onMessage(ctx -> {
                long id = ctx.attribute(SESSION);
                try {
                    PoolMessage.WorkerMessage m = PoolCodec.decodeWorkerMessage(ctx.message());
                    driver.post(mc -> mc.message(id, m, driver.now()));
                } catch (PoolProtocolException e) {
                    driver.post(mc -> mc.protocolError(id, e.code().value(), e.getMessage()));
                }
            });
            ws.onBinaryMessage(ctx -> {
                long id = ctx.attribute(SESSION);
                try {
                    PoolMessage.JobResult r = PoolCodec.decode(ByteBuffer.wrap(ctx.data(), ctx.offset(), ctx.length()),
                            config.maxResultBytes());
                    driver.post(mc -> mc.result(id, r, driver.now()));
                } catch (PoolProtocolException e) {
                    driver.post(mc -> mc.protocolError(id, e.code().value(), e.getMessage()));
                }
            });
            ws.onClose(ctx -> {
                Long id = ctx.attribute(SESSION);
                if (id != null) driver.disconnected(id);
            });
            ws.onError(ctx -> {
                Long id = ctx.attribute(SESSION);
                if (id != null) driver.disconnected(id);
            });
        });
    }

    /**
     * A worker's connection as the driver uses it. Messages are sent asynchronously from the machine's thread; a close
     * waits for the messages sent before it, or Jetty may close before the last one (the reason for a refusal) is out.
     */
    private static WorkerLink link(WsContext ctx) {
        return new WorkerLink() {
            private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

            @Override
            public synchronized void send(String text) {
                if (!ctx.session.isOpen()) return;
                CompletableFuture<Void> sent = new CompletableFuture<>();
                last = sent;
                ctx.session.getRemote().sendString(text, new WriteCallback() {
                    @Override
                    public void writeSuccess() {
                        sent.complete(null);
                    }

                    @Override
                    public void writeFailed(Throwable x) {
                        sent.complete(null);
                        ctx.session.close(1011, "send failed");
                    }
                });
            }

            @Override
            public synchronized void close(int code, String reason) {
                last.thenRun(() -> ctx.session.close(code, reason));
            }
        };
    }

    /** A GET route, answered for HEAD too (Javalin answers HEAD with an empty 200 unless told). */
    private void get(String path, io.javalin.http.Handler h) {
        routes.add(new Route("GET", path));
        app.get(path, h);
        app.head(path, h);
    }

    private void post(String path, io.javalin.http.Handler h) {
        routes.add(new Route("POST", path));
        app.post(path, h);
    }

    private void putBlob(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > blobs.maxBytes()) {
            throw new ApiException(413, "blob is " + declared + " bytes; this PoC validator takes at most "
                    + blobs.maxBytes() + " bytes per blob (split the task, or ask its operator for --max-blob-bytes)");
        }
        BlobStore.Stored s;
        try (InputStream in = ctx.req().getInputStream()) {
            s = blobs.put(in);
        } catch (BlobStore.TooLargeException e) {
            throw new ApiException(413, e.getMessage());
        }
        ObjectNode o = Json.object();
        o.put("hash", s.hash());
        o.put("size", s.size());
        json(ctx, 201, o);
    }

    private void getBlob(Context ctx) throws IOException {
        String hash = ctx.pathParam("hash");
        if (!BlobStore.isHash(hash)) throw new ApiException(400, "'" + hash + "' is not a blob hash: 64 lowercase hex");
        long size = blobs.size(hash);
        if (size < 0) throw new ApiException(404, "no blob " + hash);
        try {
            Download.serve(ctx, blobs.path(hash), hash, "application/octet-stream");
        } catch (NoSuchFileException e) {
            throw new ApiException(404, "no blob " + hash + " (it was just removed by retention)");
        }
    }

    private void result(Context ctx) throws IOException {
        String id = ctx.pathParam("task_id");
        String hash = ask(id, m -> m.resultHash(id));
        ctx.header("X-Result-Hash", hash);
        Download.serve(ctx, blobs.path(hash), hash, "application/octet-stream");
    }

    private void listTasks(Context ctx) {
        String status = ctx.queryParam("status");
        if (status != null && Arrays.stream(TaskStatus.values()).noneMatch(t -> t.wire().equals(status))) {
            throw new ApiException(400, "status must be one of publishing, pending, in_progress, completed, failed, cancelled");
        }
        String type = ctx.queryParam("challenge_type");
        int limit = intParam(ctx, "limit", 50, 1, MAX_LIST);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        TaskStatus st = status == null ? null : TaskStatus.ofWire(status);
        json(ctx, 200, PocDriver.await(driver.call(m -> m.list(st, type, limit, offset))));
    }

    /** A question about one task; one that retention removed answers 410 Gone, one never seen 404. */
    private <T> T ask(String taskId, java.util.function.Function<PocMachine, T> q) {
        try {
            return PocDriver.await(driver.call(q));
        } catch (Refused r) {
            if (r.kind() != Refused.Kind.NOT_FOUND) throw r;
            JsonNode x = store.get(StoreKeys.expired(taskId));
            if (x == null) throw r;
            throw new ApiException(410, "task " + taskId + " ended " + x.path("status").asText() + " at "
                    + x.path("ended_at").asLong() + " and was removed at " + x.path("removed_at").asLong()
                    + " with its result: this PoC validator keeps finished tasks "
                    + config.retention().keepFinished().toSeconds() + " s after they end (--keep-finished-days)");
        }
    }

    private static int intParam(Context ctx, String name, int def, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return def;
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be an integer in [" + min + ", " + max + "]");
        }
    }

    private static JsonNode parse(Context ctx) {
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) MAX_JSON_BODY + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body.length > MAX_JSON_BODY) throw new ApiException(413, "request body exceeds " + MAX_JSON_BODY + " bytes");
        if (body.length == 0) throw new ApiException(400, "request body is empty; send a signed CREATE_TASK transaction");
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "request body is not JSON: " + e.getMessage());
        }
    }

    private void registerErrors() {
        app.exception(ApiException.class, (e, ctx) -> json(ctx, e.status(), error(e.getMessage())));
        app.exception(Refused.class, (e, ctx) -> json(ctx, switch (e.kind()) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
        }, error(e.getMessage())));
        JsonHttp.handleCommonErrors(app, log, "the PoC validator");
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = MarketServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing from the classpath");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
