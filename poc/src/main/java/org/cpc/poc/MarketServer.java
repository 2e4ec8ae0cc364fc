package org.cpc.poc;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cpc.compute.market.PoolCodec;
import org.cpc.http.ApiException;
import org.cpc.http.Download;
import org.cpc.http.HttpService;
import org.cpc.http.Requests;
import org.cpc.protocol.codec.Json;
import org.eclipse.jetty.websocket.api.WriteCallback;

/**
 * The Task Market on HTTP (port 8080 by default): blobs, tasks, results, the OpenAPI document, and the
 * {@code /worker} WebSocket. Every error is JSON {@code {"error": "..."}}.
 */
public final class MarketServer implements AutoCloseable {
    private static final long MAX_JSON_BODY = 1 << 20;
    private static final int MAX_LIST = 1000;
    private static final String SESSION = "cpc.session";

    private final Market market;
    private final BlobStore blobs;
    private final PocConfig config;
    private final HttpService http;

    public MarketServer(Market market, BlobStore blobs, PocConfig config) {
        this.market = market;
        this.blobs = blobs;
        this.config = config;
        var settings = new HttpService.Settings("the PoC validator", "market", 64, MAX_JSON_BODY);
        this.http = new HttpService(MarketServer.class, settings, javalin -> javalin.jetty.modifyWebSocketServletFactory(
                ws -> {
                    ws.setMaxBinaryMessageSize(config.maxResultBytes() + PoolMessagesLimits.HEADER_ROOM);
                    ws.setMaxTextMessageSize(PoolCodec.MAX_TEXT_BYTES);
                    ws.setIdleTimeout(Duration.ofMillis(Math.max(30_000, 4 * config.heartbeat().toMillis())));
                }));
        registerRoutes();
    }

    /** Room for the JSON header in front of a result's bytes. */
    static final class PoolMessagesLimits {
        static final int HEADER_ROOM = PoolCodec.MAX_HEADER_BYTES + 4;
    }

    public MarketServer start() {
        http.start(config.host(), config.port());
        return this;
    }

    public int port() {
        return http.port();
    }

    public List<HttpService.Route> routes() {
        return http.routes();
    }

    @Override
    public void close() {
        http.close();
    }

    /** The routes besides {@code GET /openapi.json}, which {@link HttpService} serves from beside this class. */
    private void registerRoutes() {
        http.post("/blobs", this::putBlob);
        http.get("/blobs/{hash}", this::getBlob);
        http.post("/tasks", ctx -> json(ctx, 201, market.createTask(
                Requests.json(ctx, MAX_JSON_BODY, "a signed CREATE_TASK transaction"))));
        http.get("/tasks", this::listTasks);
        http.get("/tasks/{task_id}", ctx -> json(ctx, 200, market.task(ctx.pathParam("task_id"))));
        http.get("/tasks/{task_id}/result", this::result);
        http.post("/tasks/{task_id}/cancel", ctx -> json(ctx, 200, market.cancelTask(ctx.pathParam("task_id"),
                Requests.json(ctx, MAX_JSON_BODY, "a signed CANCEL_TASK transaction"))));
        http.get("/workers", ctx -> json(ctx, 200, market.workers()));
        http.get("/workers/{address}", ctx -> json(ctx, 200, market.workerRecord(ctx.pathParam("address"))));
        http.get("/retention", ctx -> json(ctx, 200, market.retention()));
        http.webSocket("/worker", ws -> {
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

    private void putBlob(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > blobs.maxBytes()) {
            throw ApiException.tooLarge("blob is " + declared + " bytes; this PoC validator takes at most "
                    + blobs.maxBytes() + " bytes per blob (split the task, or ask its operator for --max-blob-bytes)");
        }
        BlobStore.Stored s;
        try (InputStream in = ctx.req().getInputStream()) {
            s = blobs.put(in);
        } catch (BlobStore.TooLargeException e) {
            throw ApiException.tooLarge(e.getMessage());
        }
        ObjectNode o = Json.object();
        o.put("hash", s.hash());
        o.put("size", s.size());
        json(ctx, 201, o);
    }

    private void getBlob(Context ctx) throws IOException {
        String hash = ctx.pathParam("hash");
        if (!BlobStore.isHash(hash)) throw ApiException.badRequest("'" + hash + "' is not a blob hash: 64 lowercase hex");
        long size = blobs.size(hash);
        if (size < 0) throw ApiException.notFound("no blob " + hash);
        try {
            Download.serve(ctx, blobs.path(hash), hash, "application/octet-stream");
        } catch (NoSuchFileException e) {
            throw ApiException.notFound("no blob " + hash + " (it was just removed by retention)");
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
            throw ApiException.badRequest("status must be one of pending, in_progress, completed, failed, cancelled");
        }
        String type = ctx.queryParam("challenge_type");
        int limit = Requests.intQuery(ctx, "limit", 50, 1, MAX_LIST);
        int offset = Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        json(ctx, 200, market.list(status, type, limit, offset));
    }
}
