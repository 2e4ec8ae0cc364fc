package org.cpc.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.LoggerFactory;

/**
 * One cpc HTTP service (the node's REST API, the PoC validator's Task Market) on Javalin, set up the way both need
 * it: a bounded pool of Jetty threads, caps on open connections (in all and per IP), idle time and request headers
 * ({@link ConnectionLimits}), a limit on request bodies, every error as JSON ({@link ApiException}s with
 * their status, Javalin's and Jetty's own errors, and a 500 that never shows a stack trace), the service's OpenAPI
 * document at {@code GET /openapi.json}, and a table of the routes it answers, which tests compare with that
 * document.
 *
 * <p>Register routes with {@link #get}, {@link #post} and {@link #webSocket}, then {@link #start} it.
 */
public final class HttpService implements AutoCloseable {
    /** A route the service answers; its OpenAPI document must list exactly these. */
    public record Route(String method, String path) {}

    /**
     * @param name who the service is in a 500's message: "internal error; {name}'s log has the details"
     * @param threadName the name of the Jetty threads ("rest", "market"): thread dumps show it, and the dispatch
     *     benchmark counts the validator's CPU by it
     * @param maxThreads Jetty threads; requests beyond them queue, then get refused
     * @param maxRequestBytes the largest request body Javalin reads for a handler
     * @param connections the caps on open connections, idle time and request headers
     */
    public record Settings(String name, String threadName, int maxThreads, long maxRequestBytes,
                           ConnectionLimits connections) {
        /** With {@link ConnectionLimits#DEFAULTS}. */
        public Settings(String name, String threadName, int maxThreads, long maxRequestBytes) {
            this(name, threadName, maxThreads, maxRequestBytes, ConnectionLimits.DEFAULTS);
        }
    }

    /**
     * What one client, and all of them together, may hold open (docs/api.md, "Limits"). A connection over a cap is
     * answered at once — 429 when its IP holds {@code maxConnectionsPerIp}, 503 when the service holds
     * {@code maxConnections} — and closed; WebSocket and SSE connections count like any other.
     *
     * @param maxConnections open connections in all
     * @param maxConnectionsPerIp open connections from one IP address (loopback included: a devnet's own clients
     *     stay far below it)
     * @param idleTimeoutMs a connection that sends and receives nothing this long is closed, a half-sent request
     *     included (a client trickling bytes keeps it, but only within the caps above)
     * @param maxRequestHeaderBytes the request line and headers; more is answered 431
     */
    public record ConnectionLimits(int maxConnections, int maxConnectionsPerIp, long idleTimeoutMs,
                                   int maxRequestHeaderBytes) {
        public static final ConnectionLimits DEFAULTS = new ConnectionLimits(1024, 128, 30_000, 8 * 1024);

        public ConnectionLimits {
            if (maxConnections < 1 || maxConnectionsPerIp < 1 || idleTimeoutMs < 1 || maxRequestHeaderBytes < 1024) {
                throw new IllegalArgumentException("connection limits must be positive, headers at least 1 KiB");
            }
        }
    }

    /** What a service learns of each request it answered, for its metrics. */
    public interface RequestObserver {
        /** @param route the matched route's path, or "unmatched" */
        void answered(String method, String route, int status, long nanos);
    }

    private static final String START = "cpc.t0";

    private final Javalin app;
    private final List<Route> routes = new ArrayList<>();
    private final ConnectionGuard guard;
    /** Where {@link #start} listens; Javalin asks for the connector only then. */
    private volatile String host;
    private volatile int port;

    /** A service whose OpenAPI document is the resource {@code openapi.json} in {@code server}'s package. */
    public HttpService(Class<?> server, Settings settings) {
        this(server, settings, javalin -> { });
    }

    /** @param javalin more Javalin configuration, such as the WebSocket limits of a service that has one */
    public HttpService(Class<?> server, Settings settings, Consumer<JavalinConfig> javalin) {
        ConnectionLimits limits = settings.connections();
        this.guard = new ConnectionGuard(settings.name(), limits);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = settings.maxRequestBytes();
            QueuedThreadPool pool = new QueuedThreadPool(settings.maxThreads(), Math.min(8, settings.maxThreads()), 60_000);
            pool.setName(settings.threadName());
            cfg.jetty.threadPool = pool;
            cfg.jetty.modifyServer(jetty -> jetty.setErrorHandler(new JsonErrorHandler()));
            cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(limits.maxRequestHeaderBytes()));
            // Javalin's own connector, with the connection caps in front of HTTP/1.1.
            cfg.jetty.addConnector((jetty, http) -> {
                ServerConnector connector = new ServerConnector(jetty, guard.factory(http));
                connector.setHost(host);
                connector.setPort(port);
                connector.setIdleTimeout(limits.idleTimeoutMs());
                connector.addEventListener(guard);
                return connector;
            });
            javalin.accept(cfg);
        });
        app.exception(ApiException.class, (e, ctx) -> JsonHttp.json(ctx, e.status(), e.body()));
        JsonHttp.handleCommonErrors(app, LoggerFactory.getLogger(server), settings.name());
        byte[] openApi = loadOpenApi(server);
        get("/openapi.json", ctx -> ctx.contentType(JsonHttp.JSON).result(openApi));
    }

    /** A GET route, answered for HEAD too (Javalin answers HEAD with an empty 200 unless told). */
    public void get(String path, Handler handler) {
        routes.add(new Route("GET", path));
        app.get(path, handler);
        app.head(path, handler);
    }

    public void post(String path, Handler handler) {
        routes.add(new Route("POST", path));
        app.post(path, handler);
    }

    /** A WebSocket endpoint; the route table lists it as the GET that opens it. */
    public void webSocket(String path, Consumer<WsConfig> ws) {
        routes.add(new Route("GET", path));
        app.ws(path, ws);
    }

    /**
     * Lets pages of any origin read the answers to GET and HEAD (errors included) with
     * {@code Access-Control-Allow-Origin: *}: for public, read-only data, such as a Task Market's tasks, which a node's
     * block explorer shows. Nothing else is allowed across origins: no OPTIONS preflight is answered, so a browser
     * sends no cross-origin POST with a JSON body, and no credentials are ever allowed.
     */
    public void allowCrossOriginReads() {
        app.before(ctx -> {
            String m = ctx.method().name();
            if (m.equals("GET") || m.equals("HEAD")) ctx.header("Access-Control-Allow-Origin", "*");
        });
    }

    /** Tells {@code observer} of every request once it is answered, with the time it took. */
    public void observe(RequestObserver observer) {
        app.before(ctx -> ctx.attribute(START, System.nanoTime()));
        app.after(ctx -> {
            Long t0 = ctx.attribute(START);
            if (t0 == null) return;
            observer.answered(ctx.method().name(), routeOf(ctx), ctx.statusCode(), System.nanoTime() - t0);
        });
    }

    private static String routeOf(Context ctx) {
        String route = ctx.endpointHandlerPath();
        return route == null || route.isEmpty() || route.equals("*") ? "unmatched" : route;
    }

    public HttpService start(String host, int port) {
        this.host = host;
        this.port = port;
        app.start();
        return this;
    }

    /** The port it listens on: the one asked for, or the one the system chose for port 0. */
    public int port() {
        return app.port();
    }

    /** Connections open now, WebSocket and SSE ones included. */
    public int openConnections() {
        return guard.open();
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        app.stop();
    }

    private static byte[] loadOpenApi(Class<?> server) {
        try (InputStream in = server.getResourceAsStream("openapi.json")) {
            if (in == null) throw new IllegalStateException("openapi.json is missing beside " + server.getName());
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
