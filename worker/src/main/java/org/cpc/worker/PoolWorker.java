package org.cpc.worker;

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
import org.cpc.compute.market.PoolCodec;
import org.cpc.compute.market.PoolMessage.Cancel;
import org.cpc.compute.market.PoolMessage.Challenge;
import org.cpc.compute.market.PoolMessage.ErrorMessage;
import org.cpc.compute.market.PoolMessage.Heartbeat;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.Job;
import org.cpc.compute.market.PoolMessage.JobAccepted;
import org.cpc.compute.market.PoolMessage.JobError;
import org.cpc.compute.market.PoolMessage.JobRejected;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolMessage.ServerMessage;
import org.cpc.compute.market.PoolMessage.Welcome;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.compute.market.PoolProtocolException;
import org.cpc.compute.market.PoolProtocolException.CloseCode;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.keys.AccountKey;

/**
 * Pool mode: connects to a PoC validator's {@code /worker} WebSocket, proves its address by signing the server's
 * nonce, and runs the market jobs it is given with the same compute backends as solo mode. Results go back as one
 * binary frame each (a JSON header with result_hash and the worker's recoverable signature, then the output bytes).
 * Reconnects with backoff when the connection drops; stops cleanly on {@link #stop()}.
 */
public final class PoolWorker implements Worker {
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
    private static final String HEARTBEAT = PoolCodec.encode(new Heartbeat());
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong computed = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
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

    @Override
    public WorkerReading reading() {
        return new WorkerReading("pool", connected, computed.get(), done.get(), rejected.get(), running.get(),
                earned.get(), gops, blobs.downloadedBytes(), bytesSent.get());
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
        /** The validator's bound on a result's output, from its welcome. */
        volatile int maxResultBytes = Integer.MAX_VALUE;
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
            if (text.length() > PoolCodec.MAX_TEXT_BYTES) { // each char is at least a byte: too big already
                text.setLength(0);
                hangUp(new PoolProtocolException(CloseCode.MESSAGE_TOO_BIG,
                        "message larger than " + PoolCodec.MAX_TEXT_BYTES + " bytes"));
            } else if (last) {
                String m = text.toString();
                text.setLength(0);
                try {
                    handle(PoolCodec.decodeServerMessage(m));
                } catch (PoolProtocolException e) {
                    hangUp(e);
                }
            }
            webSocket.request(1);
            return null;
        }

        /** A message this worker cannot use: closes with the reason; the run loop reconnects after a backoff. */
        private void hangUp(PoolProtocolException e) {
            reporter.event("bad message from the PoC validator, closing the connection: " + e.getMessage());
            ws.sendClose(e.code().value(), e.closeReason());
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

        private void handle(ServerMessage m) {
            switch (m) {
                case Challenge c -> sendText(PoolCodec.encode(new Hello(key.address(),
                        key.signRecoverable(PoolProtocol.authDigest(c.nonce())),
                        backend.gemm().name() + "×" + backend.gemm().threads(), backend.description(),
                        Double.isNaN(gops) ? 0 : Math.round(gops * 10) / 10.0, options.maxJobs())));
                case Welcome w -> {
                    welcomed = true;
                    connected = true;
                    maxResultBytes = w.maxResultBytes();
                    long hb = Math.max(100, w.heartbeatMs());
                    heartbeat = timer.scheduleWithFixedDelay(() -> {
                        if (closed.getCount() > 0) sendText(HEARTBEAT);
                        else heartbeat.cancel(false);
                    }, hb, hb, TimeUnit.MILLISECONDS);
                    reporter.event("connected to PoC validator " + w.validator() + ", " + w.maxJobs() + " jobs at a time");
                }
                case Job j -> {
                    running.incrementAndGet();
                    jobs.execute(() -> {
                        try {
                            runJob(j);
                        } finally {
                            running.decrementAndGet();
                            reporter.statusLine(status().line());
                        }
                    });
                }
                case JobAccepted a -> {
                    done.incrementAndGet();
                    earned.accumulateAndGet(a.rewardWei(), BigInteger::add);
                    reporter.statusLine(status().line());
                }
                case JobRejected r -> {
                    rejected.incrementAndGet();
                    reporter.event("job " + r.jobId() + " rejected: " + r.reason());
                }
                case Cancel c -> cancelled.add(c.jobId());
                case ErrorMessage e -> reporter.event("PoC validator: " + e.error());
            }
        }

        private void runJob(Job m) {
            String jobId = m.jobId();
            String taskId = m.taskId();
            int index = m.index();
            String type = m.challengeType();
            try {
                // Taken back (timed out) before it started: running it would only delay the jobs behind it.
                if (cancelled.remove(jobId) || closed.getCount() == 0) return;
                ChallengeType t = ChallengeType.require(type);
                byte[] out = t.execute(m.payload(), taskId, index, blobs, backend.gemm());
                computed.incrementAndGet();
                if (!options.jobDelay().isZero()) Thread.sleep(options.jobDelay().toMillis());
                if (options.filter() != null) out = options.filter().apply(type, index, out);
                if (cancelled.remove(jobId) || closed.getCount() == 0) return;
                if (out.length > maxResultBytes) {
                    // The validator would close the connection over it; this job alone goes back instead.
                    throw new IllegalStateException("the output is " + out.length + " bytes; the PoC validator takes"
                            + " at most " + maxResultBytes);
                }
                byte[] hash = t.resultHash(m.payload(), index, out, blobs); // matmul, inference: the root a fraud proof opens
                byte[] sig = key.signRecoverable(
                        PoolProtocol.resultDigest(taskId, key.address(), Hex.encode(hash), null, index));
                sendBinary(PoolCodec.encode(new JobResult(jobId, hash, sig, out)));
                bytesSent.addAndGet(out.length);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                sendText(PoolCodec.encode(new JobError(jobId, String.valueOf(e.getMessage()))));
            }
        }
    }
}
