package org.cpc.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.cpc.client.Backoff;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.compute.market.ChallengeType;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;

/**
 * Pool mode: connects to a PoC validator's {@code /worker} WebSocket, proves its address by signing the server's
 * nonce, and runs the market jobs it is given with the same compute backends as solo mode. Results go back as one
 * binary frame each (a JSON header with result_hash and the worker's recoverable signature, then the output bytes).
 * Reconnects with backoff when the connection drops; stops cleanly on {@link #stop()}.
 */
public final class PoolWorker implements Runnable {
    /** Changes an output before it is sent: for drills and tests of the validator's checks, never for real work. */
    @FunctionalInterface
    public interface OutputFilter {
        byte[] apply(String challengeType, int index, byte[] output);
    }

    /**
     * @param maxJobs   jobs this worker runs at once
     * @param filter    output filter (null: honest)
     * @param jobDelay  extra time per job (zero: none), to play a slow worker
     */
    public record Options(int maxJobs, OutputFilter filter, Duration jobDelay) {
        public static Options defaults() {
            return new Options(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), null, Duration.ZERO);
        }

        public Options withMaxJobs(int n) {
            return new Options(n, filter, jobDelay);
        }

        public Options withFilter(OutputFilter f) {
            return new Options(maxJobs, f, jobDelay);
        }

        public Options withJobDelay(Duration d) {
            return new Options(maxJobs, filter, d);
        }
    }

    private final URI poolUrl;
    private final URI httpBase;
    private final AccountKey key;
    private final ComputeBackend backend;
    private final StatusReporter reporter;
    private final Options options;
    private final HttpClient http = HttpClient.newHttpClient();
    private final BlobCache blobs;
    private final ExecutorService jobs;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("pool-heartbeat").daemon().factory());
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<BigInteger> earned = new AtomicReference<>(BigInteger.ZERO);
    private final Object stopLock = new Object();
    private volatile boolean stopped;
    private volatile boolean connected;
    private volatile Connection current;
    private volatile double gops = Double.NaN;

    public PoolWorker(URI poolUrl, AccountKey key, ComputeBackend backend, StatusReporter reporter, Options options) {
        String scheme = poolUrl.getScheme();
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
            throw new IllegalArgumentException("pool URL '" + poolUrl + "' must look like ws://HOST:8080/worker");
        }
        this.poolUrl = poolUrl;
        this.httpBase = URI.create(("wss".equals(scheme) ? "https" : "http") + "://" + poolUrl.getRawAuthority());
        this.key = key;
        this.backend = backend;
        this.reporter = reporter;
        this.options = options;
        this.blobs = new BlobCache(httpBase, 2L << 30);
        this.jobs = Executors.newFixedThreadPool(options.maxJobs(), Thread.ofPlatform().name("pool-job-", 0).daemon().factory());
    }

    public String address() {
        return key.address();
    }

    public PoolStatus status() {
        return new PoolStatus(backend.gemm().name() + "×" + backend.gemm().threads(), gops, connected, done.get(),
                rejected.get(), running.get(), earned.get());
    }

    /** Connects, works, reconnects; returns after {@link #stop()}. */
    @Override
    public void run() {
        Backoff backoff = Backoff.standard();
        try {
            gops = measureGops();
            reporter.event("pool worker " + key.address() + " → " + poolUrl + ", backend " + backend.description());
            while (!stopped) {
                Connection c = new Connection();
                try {
                    WebSocket ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                            .buildAsync(poolUrl, c).get(15, TimeUnit.SECONDS);
                    c.ws = ws;
                    current = c;
                    c.closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    if (!stopped) reporter.event("cannot reach the PoC validator at " + poolUrl + ": " + rootMessage(e));
                }
                connected = false;
                current = null;
                if (stopped) break;
                if (c.welcomed) backoff.reset();
                long wait = backoff.next().toMillis();
                synchronized (stopLock) {
                    if (!stopped) stopLock.wait(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
            jobs.shutdownNow();
            reporter.finishLine(status().line());
            finished.countDown();
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    public void stop() {
        stopped = true;
        synchronized (stopLock) {
            stopLock.notifyAll();
        }
        Connection c = current;
        if (c != null && c.ws != null) c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "worker stopping");
        if (c != null) c.closed.countDown();
    }

    /** Drops the connection without a goodbye, as a crashed process would (tests). */
    public void kill() {
        stopped = true;
        Connection c = current;
        if (c != null && c.ws != null) c.ws.abort();
        if (c != null) c.closed.countDown();
        jobs.shutdownNow();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A quick measure of the backend for the hello message: 512³ products after two warm-up runs. */
    private double measureGops() {
        int n = 512;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = arena.allocate((long) n * n);
            MemorySegment b = arena.allocate((long) n * n);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_INT, (long) n * n);
            backend.gemm().gemm(a, b, c, n, n, n);
            backend.gemm().gemm(a, b, c, n, n, n);
            long t0 = System.nanoTime();
            int reps = 3;
            for (int i = 0; i < reps; i++) backend.gemm().gemm(a, b, c, n, n, n);
            double s = (System.nanoTime() - t0) / 1e9;
            return 2.0 * n * n * n * reps / s / 1e9;
        }
    }

    /** One WebSocket connection and its message handling. */
    private final class Connection implements WebSocket.Listener {
        final CountDownLatch closed = new CountDownLatch(1);
        volatile WebSocket ws;
        volatile boolean welcomed;
        volatile java.util.concurrent.ScheduledFuture<?> heartbeat;
        private final StringBuilder text = new StringBuilder();
        private ByteBuffer binary;
        private CompletableFuture<WebSocket> sends = CompletableFuture.completedFuture(null);

        @Override
        public void onOpen(WebSocket webSocket) {
            this.ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String m = text.toString();
                text.setLength(0);
                try {
                    handle(Json.parse(m));
                } catch (RuntimeException e) {
                    reporter.event("bad message from the PoC validator: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // the validator sends no binary frames; ignore them
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!stopped) reporter.event("PoC validator closed the connection: " + statusCode + " " + reason);
            closed.countDown();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!stopped) reporter.event("connection to the PoC validator failed: " + rootMessage(error));
            closed.countDown();
        }

        synchronized void sendText(String s) {
            sends = sends.thenCompose(w -> ws.sendText(s, true)).exceptionally(e -> null);
        }

        synchronized void sendBinary(ByteBuffer b) {
            sends = sends.thenCompose(w -> ws.sendBinary(b, true)).exceptionally(e -> null);
        }

        private void handle(JsonNode m) {
            switch (m.path("type").asText()) {
                case "challenge" -> {
                    byte[] nonce = Hex.decode(m.path("nonce").asText());
                    ObjectNode o = Json.object();
                    o.put("type", "hello");
                    o.put("address", key.address());
                    o.put("signature", Hex.encode(key.signRecoverable(PoolProtocol.authDigest(nonce))));
                    o.put("backend", backend.gemm().name() + "×" + backend.gemm().threads());
                    o.put("device", backend.description());
                    o.put("gops", Double.isNaN(gops) ? 0 : Math.round(gops * 10) / 10.0);
                    o.put("max_jobs", options.maxJobs());
                    sendText(o.toString());
                }
                case "welcome" -> {
                    welcomed = true;
                    connected = true;
                    long hb = Math.max(100, m.path("heartbeat_ms").asLong(5000));
                    heartbeat = timer.scheduleWithFixedDelay(() -> {
                        if (closed.getCount() > 0) sendText("{\"type\":\"heartbeat\"}");
                        else heartbeat.cancel(false);
                    }, hb, hb, TimeUnit.MILLISECONDS);
                    reporter.event("connected to PoC validator " + m.path("validator").asText() + ", "
                            + m.path("max_jobs").asInt() + " jobs at a time");
                }
                case "job" -> {
                    running.incrementAndGet();
                    jobs.execute(() -> {
                        try {
                            runJob(m);
                        } finally {
                            running.decrementAndGet();
                            reporter.statusLine(status().line());
                        }
                    });
                }
                case "job_accepted" -> {
                    done.incrementAndGet();
                    BigInteger r = new BigInteger(m.path("reward_wei").asText("0"));
                    earned.accumulateAndGet(r, BigInteger::add);
                    reporter.statusLine(status().line());
                }
                case "job_rejected" -> {
                    rejected.incrementAndGet();
                    reporter.event("job " + m.path("job_id").asText() + " rejected: " + m.path("reason").asText());
                }
                case "cancel" -> cancelled.add(m.path("job_id").asText());
                case "error" -> reporter.event("PoC validator: " + m.path("error").asText());
                default -> { }
            }
        }

        private void runJob(JsonNode m) {
            String jobId = m.path("job_id").asText();
            String taskId = m.path("task_id").asText();
            int index = m.path("index").asInt();
            String type = m.path("challenge_type").asText();
            try {
                ChallengeType t = ChallengeType.require(type);
                byte[] out = t.execute(m.get("payload"), taskId, index, blobs, backend.gemm());
                if (!options.jobDelay().isZero()) Thread.sleep(options.jobDelay().toMillis());
                if (options.filter() != null) out = options.filter().apply(type, index, out);
                if (cancelled.remove(jobId) || closed.getCount() == 0) return;
                String hash = Hex.encode(Sha256.hash(out));
                byte[] sig = key.signRecoverable(PoolProtocol.resultDigest(taskId, key.address(), hash, null, index));
                ObjectNode h = Json.object();
                h.put("type", "job_result");
                h.put("job_id", jobId);
                h.put("result_hash", hash);
                h.put("signature", Hex.encode(sig));
                h.put("size", out.length);
                sendBinary(PoolProtocol.encodeResultFrame(h, out));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                ObjectNode o = Json.object();
                o.put("type", "job_error");
                o.put("job_id", jobId);
                o.put("error", String.valueOf(e.getMessage()));
                sendText(o.toString());
            }
        }
    }
}
