package org.cpc.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.cpc.compute.gemm.ComputeBackend;

/**
 * A worker's Prometheus metrics, served as text at {@code GET /metrics} on a port of its own ({@code cpc worker
 * start --metrics-port}): jobs computed, accepted and refused, GEMM operations and the time they took, bytes in and
 * out, connection state, earnings, and the JVM. The worker is read at each scrape ({@link WorkerReading}); the GEMM
 * figures come from {@link #meter(ComputeBackend)}. The names are documented in docs/operations.md and charted by
 * {@code ops/grafana/worker.json}.
 *
 * <p>The server answers GET and HEAD of {@code /metrics} only, on one thread: a scrape is small and nothing else is
 * served, so a stranger who reaches the port learns the figures and nothing more.
 */
public final class WorkerMetrics implements AutoCloseable {
    private static final BigDecimal WEI_PER_CPC = BigDecimal.TEN.pow(18);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LongAdder gemmOps = new LongAdder();
    private final LongAdder gemmNanos = new LongAdder();
    private HttpServer server;
    private ExecutorService serverThread;

    public WorkerMetrics() {
        FunctionCounter.builder("cpc_worker_gemm_ops", gemmOps, LongAdder::doubleValue)
                .description("int8 operations the worker's GEMM backend computed (2·m·k·n per product)")
                .register(registry);
        FunctionCounter.builder("cpc_worker_gemm_seconds", gemmNanos, n -> n.doubleValue() / 1e9)
                .description("time the GEMM backend spent computing; rate(ops) / rate(seconds) is the throughput")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private Supplier<WorkerReading> watched;

    /** The backend with its GEMM counted here; give the worker this one. */
    public ComputeBackend meter(ComputeBackend backend) {
        return new ComputeBackend(backend.kind(), new MeteredGemm(backend.gemm(), gemmOps, gemmNanos), backend.note());
    }

    /** Reads {@code worker} at every scrape; {@code backend} names the compute backend in {@code cpc_worker_backend}. */
    public void watch(String mode, ComputeBackend backend, Supplier<WorkerReading> worker) {
        // Micrometer holds the object a gauge or function counter reads only weakly: a lambda nothing else references
        // would be collected, and every figure would read NaN. This keeps it as long as the metrics live.
        watched = worker;
        Gauge.builder("cpc_worker_backend", () -> 1).description("the worker's mode and compute backend (always 1)")
                .tag("mode", mode).tag("kind", backend.kind()).tag("backend", backend.gemm().name())
                .tag("threads", Integer.toString(backend.gemm().threads())).register(registry);
        counter("cpc_worker_jobs_computed", "jobs computed to the end (solo: synthetic proofs; pool: market jobs)",
                worker, r -> r.computed());
        counter("cpc_worker_results_accepted", "solo: results included in a block; pool: jobs the PoC validator"
                + " verified and accepted", worker, r -> r.accepted());
        counter("cpc_worker_results_refused", "solo: results the node refused or dropped; pool: jobs the PoC"
                + " validator rejected", worker, r -> r.refused());
        counter("cpc_worker_earned_cpc", "CPC earned (solo: paid by the chain; pool: announced with acceptances)",
                worker, r -> new BigDecimal(r.earnedWei()).divide(WEI_PER_CPC).doubleValue());
        counter("cpc_worker_received_bytes", "bytes received for work (pool: input blobs downloaded)", worker,
                r -> r.bytesIn());
        counter("cpc_worker_sent_bytes", "bytes of results sent (solo: result transactions; pool: job outputs)",
                worker, r -> r.bytesOut());
        Gauge.builder("cpc_worker_connected", worker, w -> w.get().connected() ? 1 : 0)
                .description("1 while following the node (solo) or authenticated to the PoC validator (pool)")
                .register(registry);
        Gauge.builder("cpc_worker_jobs_running", worker, w -> w.get().running())
                .description("solo: results sent and not yet in a block; pool: jobs being computed").register(registry);
        Gauge.builder("cpc_worker_gops", worker, w -> w.get().gops())
                .description("the last GOPS figure the worker measured (NaN before the first)").register(registry);
    }

    private void counter(String name, String help, Supplier<WorkerReading> worker,
                         ToDoubleFunction<WorkerReading> value) {
        FunctionCounter.builder(name, worker, w -> value.applyAsDouble(w.get())).description(help).register(registry);
    }

    /** The current figures in Prometheus's text format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Serves {@code /metrics} on {@code host:port} (port 0: any free port); returns the bound port.
     *
     * @throws UncheckedIOException when the port cannot be bound, naming it
     */
    public synchronized int serve(String host, int port) {
        if (server != null) throw new IllegalStateException("already serving on port " + server.getAddress().getPort());
        if (port < 0 || port > 65535) throw new IllegalArgumentException("metrics port " + port + " must be 0..65535");
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        serverThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("worker-metrics").daemon().factory());
        server.setExecutor(serverThread);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!ex.getRequestURI().getPath().equals("/metrics")) {
                reply(ex, 404, "text/plain; charset=utf-8", "only /metrics is served here\n", method);
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(ex, 405, "text/plain; charset=utf-8", "only GET and HEAD\n", method);
            } else {
                reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", scrape(), method);
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String type, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (method.equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            serverThread.shutdownNow();
            server = null;
        }
        registry.close();
    }
}
