package org.cpc.poc;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.cpc.compute.market.PoolCodec;
import org.cpc.compute.market.PoolMessage;
import org.cpc.compute.market.PoolProtocolException;
import org.cpc.http.ApiException;
import org.cpc.http.ApiServer;
import org.cpc.http.Download;
import org.cpc.http.HttpService;
import org.cpc.http.Requests;
import org.cpc.poc.core.Effect;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.Refused;
import org.cpc.poc.core.StoreKeys;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.TaskStatus;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.cpc.protocol.codec.WireName;

/**
 * The Task Market on HTTP (port 8080 by default): blobs, tasks, results, the OpenAPI document, and the
 * {@code /worker} WebSocket. Every error is JSON {@code {"error": "..."}}. Worker frames are decoded here, on the
 * connection's thread, by {@link PoolCodec}; the machine gets typed messages only, through the {@link PocDriver}.
 */
public final class MarketServer extends ApiServer<MarketServer> {
    private static final long MAX_JSON_BODY = 1 << 20;
    private static final int MAX_LIST = 1000;
    private static final String SESSION = "cpc.session";
    private static final String PENDING = "cpc.pending";
    /**
     * {@code /worker} sessions that have not sent their first message (the hello answering the challenge) yet are
     * capped in all and per IP address ({@link MarketLimits}); a connection over a cap is closed at once with 1013
     * (try again later). A session leaves this count with its first message; one that stays silent is closed after
     * {@code PocConfig.AUTH_TIMEOUT_MS}. This is the WebSocket close code for that: "over a limit, try again later"
     * (RFC 6455 registry).
     */
    static final int TRY_AGAIN_LATER = 1013;

    private final PocDriver driver;
    private final TaskIntake intake;
    private final RetentionSweeper retention;
    private final PocStore store;
    private final BlobStore blobs;
    private final JobOutputs outputs;
    private final PocConfig config;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sessions = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger unauthenticated = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> unauthenticatedPerIp =
            new java.util.concurrent.ConcurrentHashMap<>();

    MarketServer(PocDriver driver, TaskIntake intake, RetentionSweeper retention, PocStore store, BlobStore blobs,
                 JobOutputs outputs, PocConfig config) {
        var settings = new HttpService.Settings("the PoC validator", "market", 64, MAX_JSON_BODY,
                config.limits().http());
        super(new HttpService(MarketServer.class, settings, javalin -> javalin.jetty.modifyWebSocketServletFactory(
                ws -> {
                    ws.setMaxBinaryMessageSize(config.maxResultBytes() + PoolMessagesLimits.HEADER_ROOM);
                    ws.setMaxTextMessageSize(PoolCodec.MAX_TEXT_BYTES);
                    ws.setIdleTimeout(Duration.ofMillis(Math.max(30_000, 4 * config.heartbeat().toMillis())));
                })), config.host(), config.port());
        this.driver = driver;
        this.intake = intake;
        this.retention = retention;
        this.store = store;
        this.blobs = blobs;
        this.outputs = outputs;
        this.config = config;
        http.observe(driver.metrics()::httpRequest);
        http.allowCrossOriginReads(); // a node's block explorer shows a task's live progress from here
        registerRoutes();
    }

    /** Room for the JSON header in front of a result's bytes. */
    static final class PoolMessagesLimits {
        static final int HEADER_ROOM = PoolCodec.MAX_HEADER_BYTES + 4;
    }

    /** The routes besides {@code GET /openapi.json}, which {@link HttpService} serves from beside this class. */
    private void registerRoutes() {
        http.post("/blobs", this::putBlob);
        http.get("/blobs/{hash}", this::getBlob);
        http.post("/tasks", ctx -> {
            TaskIntake.Created c = refusals(() -> intake.create(
                    Requests.json(ctx, MAX_JSON_BODY, "a signed CREATE_TASK transaction")));
            json(ctx, c.status(), c.body());
        });
        http.get("/tasks", this::listTasks);
        http.get("/tasks/{task_id}", ctx -> {
            String id = ctx.pathParam("task_id");
            json(ctx, 200, ask(id, m -> m.task(id)));
        });
        http.get("/tasks/{task_id}/result", this::result);
        http.get("/tasks/{task_id}/jobs/{job}/output", this::jobOutput);
        http.post("/tasks/{task_id}/cancel", ctx -> json(ctx, 200, refusals(() -> intake.cancel(ctx.pathParam("task_id"),
                Requests.json(ctx, MAX_JSON_BODY, "a signed CANCEL_TASK transaction")))));
        http.get("/workers", ctx -> json(ctx, 200, PocDriver.await(driver.call(PocMachine::workers))));
        http.get("/workers/{address}", ctx -> {
            String a = ctx.pathParam("address");
            json(ctx, 200, PocDriver.await(driver.call(m -> m.workerRecord(a))));
        });
        http.get("/retention", ctx -> json(ctx, 200, retention.view()));
        http.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(driver.scrape()));
        http.webSocket("/worker", ws -> {
            ws.onConnect(ctx -> {
                Pending pending = admit(ctx);
                if (pending == null) return;
                ctx.attribute(PENDING, pending);
                ctx.session.setMaxBinaryMessageSize(config.maxResultBytes() + PoolMessagesLimits.HEADER_ROOM);
                ctx.enableAutomaticPings(config.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                long id = sessions.incrementAndGet();
                ctx.attribute(SESSION, id);
                byte[] nonce = new byte[32];
                random.nextBytes(nonce);
                driver.connected(id, link(ctx), nonce);
            });
            ws.onMessage(ctx -> received(ctx, id -> {
                PoolMessage.WorkerMessage m = PoolCodec.decodeWorkerMessage(ctx.message());
                return mc -> mc.message(id, m, driver.now());
            }));
            ws.onBinaryMessage(ctx -> received(ctx, id -> {
                PoolMessage.JobResult r = PoolCodec.decode(ByteBuffer.wrap(ctx.data(), ctx.offset(), ctx.length()),
                        config.maxResultBytes());
                return mc -> mc.result(id, r, driver.now());
            }));
            ws.onClose(this::ended);
            ws.onError(this::ended);
        });
    }

    /** A frame of one session, decoded on the connection's thread into the machine's input. */
    private interface Frame {
        Function<PocMachine, List<Effect>> decode(long session) throws PoolProtocolException;
    }

    /** A session's frame: decoded here and handed to the machine, or handed to it as a protocol error. */
    private void received(WsContext ctx, Frame frame) {
        authenticating(ctx);
        long id = ctx.attribute(SESSION);
        try {
            driver.post(frame.decode(id));
        } catch (PoolProtocolException e) {
            driver.post(mc -> mc.protocolError(id, e.code().value(), e.getMessage()));
        }
    }

    /** A session closed or failed. */
    private void ended(WsContext ctx) {
        authenticating(ctx);
        Long id = ctx.attribute(SESSION);
        if (id != null) driver.disconnected(id);
    }

    /** A session's slot among the unauthenticated ones, given back once. */
    private final class Pending {
        final String ip;
        final java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);

        Pending(String ip) {
            this.ip = ip;
        }

        void release() {
            if (!held.compareAndSet(true, false)) return;
            unauthenticated.decrementAndGet();
            unauthenticatedPerIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** A new session's slot, or null after closing it with {@link #TRY_AGAIN_LATER} when the limits are reached. */
    private Pending admit(WsContext ctx) {
        String ip = ctx.session.getRemoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "unknown";
        if (unauthenticated.incrementAndGet() > config.limits().wsMaxUnauthenticated()) {
            unauthenticated.decrementAndGet();
            // A close reason has at most 123 bytes.
            ctx.closeSession(TRY_AGAIN_LATER, "too many unauthenticated connections (" + config.limits().wsMaxUnauthenticated()
                    + "); try again later");
            return null;
        }
        boolean[] ok = {false};
        unauthenticatedPerIp.compute(ip, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= config.limits().wsMaxUnauthenticatedPerIp()) return n;
            ok[0] = true;
            return held + 1;
        });
        if (!ok[0]) {
            unauthenticated.decrementAndGet();
            ctx.closeSession(TRY_AGAIN_LATER, "too many unauthenticated connections from " + ip + " ("
                    + config.limits().wsMaxUnauthenticatedPerIp() + " per address); try again later");
            return null;
        }
        return new Pending(ip);
    }

    /** The session said something (its hello, or anything the machine then judges) or ended: it no longer waits. */
    private static void authenticating(WsContext ctx) {
        Pending p = ctx.attribute(PENDING);
        if (p != null) p.release();
    }

    /** What the machine refused, as the HTTP status that says whose fault it was. */
    static ApiException toHttp(Refused r) {
        int status = switch (r.kind()) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
        };
        return new ApiException(status, r.getMessage());
    }

    private static <T> T refusals(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (Refused r) {
            throw toHttp(r);
        }
    }

    /** A question about one task; one that retention removed answers 410 Gone, one never seen 404. */
    private <T> T ask(String taskId, Function<PocMachine, T> q) {
        try {
            return PocDriver.await(driver.call(q));
        } catch (Refused r) {
            if (r.kind() != Refused.Kind.NOT_FOUND) throw toHttp(r);
            JsonNode x = store.get(StoreKeys.expired(taskId));
            if (x == null) throw toHttp(r);
            throw new ApiException(410, "task " + taskId + " ended " + x.path("status").asText() + " at "
                    + x.path("ended_at").asLong() + " and was removed at " + x.path("removed_at").asLong()
                    + " with its result: this PoC validator keeps finished tasks "
                    + config.retention().keepFinished().toSeconds() + " s after they end (--keep-finished-days)");
        }
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
        String id = ctx.pathParam("task_id");
        String hash = ask(id, m -> m.resultHash(id));
        ctx.header("X-Result-Hash", hash);
        Download.serve(ctx, blobs.path(hash), hash, "application/octet-stream");
    }

    /**
     * An accepted job's output as its worker sent it (inference: the whole trace), what a fraud proof of the job
     * opens; header X-Result-Hash = the job's result_hash (the commitment on L1). Kept as long as the task is.
     */
    private void jobOutput(Context ctx) {
        String id = ctx.pathParam("task_id");
        int job;
        try {
            job = Integer.parseInt(ctx.pathParam("job"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("job must be a job index (a decimal integer), not " + ctx.pathParam("job"));
        }
        PocMachine.AcceptedOutput o = ask(id, m -> m.acceptedOutput(id, job));
        ctx.header("X-Result-Hash", o.resultHash());
        ctx.contentType("application/octet-stream").result(outputs.read(o.outputKey()));
    }

    private void listTasks(Context ctx) {
        String status = ctx.queryParam("status");
        TaskStatus st = status == null ? null : WireName.find(TaskStatus.class, status);
        if (status != null && st == null) {
            throw ApiException.badRequest("status must be one of " + WireName.names(TaskStatus.class));
        }
        String type = ctx.queryParam("challenge_type");
        int limit = Requests.intQuery(ctx, "limit", 50, 1, MAX_LIST);
        int offset = Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        json(ctx, 200, PocDriver.await(driver.call(m -> m.list(st, type, limit, offset))));
    }
}
