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
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpc.compute.market.PoolCodec;
import org.cpc.node.api.Download;
import org.cpc.node.api.JsonHttp;
import org.cpc.protocol.codec.Json;
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

    private final Market market;
    private final BlobStore blobs;
    private final PocConfig config;
    private final Javalin app;
    private final List<Route> routes = new ArrayList<>();

    public MarketServer(Market market, BlobStore blobs, PocConfig config) {
        this.market = market;
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
        post("/tasks", ctx -> json(ctx, 201, market.createTask(parse(ctx))));
        get("/tasks", this::listTasks);
        get("/tasks/{task_id}", ctx -> json(ctx, 200, market.task(ctx.pathParam("task_id"))));
        get("/tasks/{task_id}/result", this::result);
        post("/tasks/{task_id}/cancel", ctx -> json(ctx, 200, market.cancelTask(ctx.pathParam("task_id"), parse(ctx))));
        get("/workers", ctx -> json(ctx, 200, market.workers()));
        get("/workers/{address}", ctx -> json(ctx, 200, market.workerRecord(ctx.pathParam("address"))));
        get("/retention", ctx -> json(ctx, 200, market.retention()));
        byte[] openapi = loadOpenApi();
        get("/openapi.json", ctx -> ctx.contentType(JSON).result(openapi));
        routes.add(new Route("GET", "/worker"));
        app.ws("/worker", ws -> {
            ws.onConnect(ctx -> {
                ctx.session.setMaxBinaryMessageSize(config.maxResultBytes() + PoolMessagesLimits.HEADER_ROOM);
                ctx.enableAutomaticPings(config.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                ctx.attribute(SESSION, market.connect(link(ctx)));
            });
            ws.onMessage(ctx -> market.onText(ctx.attribute(SESSION), ctx.message()));
            ws.onBinaryMessage(ctx -> market.onBinary(ctx.attribute(SESSION), ctx.data(), ctx.offset(), ctx.length()));
            ws.onClose(ctx -> {
                Market.Session s = ctx.attribute(SESSION);
                if (s != null) market.disconnected(s, "closed: " + ctx.status() + " " + ctx.reason());
            });
            ws.onError(ctx -> {
                Market.Session s = ctx.attribute(SESSION);
                if (s != null) market.disconnected(s, "error: " + ctx.error());
            });
        });
    }

    private static WorkerLink link(WsContext ctx) {
        return new WorkerLink() {
            @Override
            public void send(String text) {
                if (!ctx.session.isOpen()) return;
                ctx.session.getRemote().sendString(text, new WriteCallback() {
                    @Override
                    public void writeFailed(Throwable x) {
                        ctx.session.close(1011, "send failed");
                    }
                });
            }

            @Override
            public void close(int code, String reason) {
                ctx.session.close(code, reason);
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
        String hash = market.resultHash(ctx.pathParam("task_id"));
        ctx.header("X-Result-Hash", hash);
        Download.serve(ctx, blobs.path(hash), hash, "application/octet-stream");
    }

    private void listTasks(Context ctx) {
        String status = ctx.queryParam("status");
        if (status != null && !List.of("pending", "in_progress", "completed", "failed", "cancelled").contains(status)) {
            throw new ApiException(400, "status must be one of pending, in_progress, completed, failed, cancelled");
        }
        String type = ctx.queryParam("challenge_type");
        int limit = intParam(ctx, "limit", 50, 1, MAX_LIST);
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        json(ctx, 200, market.list(status, type, limit, offset));
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
