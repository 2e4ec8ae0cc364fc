package org.cpc.worker;

import org.cpc.client.Backoff;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Follows the node's chain tip. Primary source: the SSE stream {@code GET /events} (its {@code block} events).
 * When the stream fails or the node is away, it waits with exponential backoff before reconnecting and polls
 * {@code GET /block/latest} meanwhile, so a node without a working event stream is still followed, one poll
 * interval behind. Runs on its own thread between {@link #start()} and {@link #close()}.
 */
public final class BlockFeed implements AutoCloseable {
    /** How the tip is learnt right now, for the status line. */
    public enum Mode { CONNECTING, EVENTS, POLLING }

    private final NodeApi api;
    private final URI eventsUri;
    private final Duration pollInterval;
    private final Backoff backoff;
    private final Consumer<String> log;
    private final HttpClient http;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private BlockRef latest;
    private volatile Mode mode = Mode.CONNECTING;
    private volatile boolean closed;
    private boolean away;
    private Thread thread;

    /**
     * @param pollInterval how often to poll while the event stream is down (the block time is a good choice)
     * @param log where to tell a person about outages and recoveries, once each
     */
    public BlockFeed(NodeApi api, Duration pollInterval, Backoff backoff, Consumer<String> log) {
        this.api = api;
        this.eventsUri = URI.create(api.url() + "/events");
        this.pollInterval = pollInterval;
        this.backoff = backoff;
        this.log = log;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public BlockFeed start() {
        thread = Thread.ofVirtual().name("block-feed").start(this::run);
        return this;
    }

    public Mode mode() {
        return mode;
    }

    /** The newest block seen, or null before the node was first reached. */
    public BlockRef latest() {
        lock.lock();
        try {
            return latest;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the tip differs from {@code seen} (null: until there is one); null if the wait timed out. */
    public BlockRef awaitChange(BlockRef seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (latest == null || latest.equals(seen)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) return null;
                changed.awaitNanos(left);
            }
            return latest;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        http.shutdownNow(); // aborts a blocked read of the event stream
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            try {
                stream();
            } catch (IOException | RuntimeException e) {
                if (closed) return;
                if (!away) {
                    log.accept("lost the node's event stream at " + eventsUri + ": " + describe(e)
                            + "; reconnecting with backoff, polling GET /block/latest meanwhile");
                    away = true;
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                pollFor(backoff.next());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads the event stream until it ends or fails. */
    private void stream() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(eventsUri).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body();
             BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (r.statusCode() != 200) throw new IOException("GET /events answered HTTP " + r.statusCode());
            // Blocks committed before the stream opened are not replayed: take the tip as it is now.
            offer(api.latestBlock(), true);
            mode = Mode.EVENTS;
            backoff.reset();
            if (away) {
                log.accept("following the node's event stream again");
                away = false;
            }
            SseParser parser = new SseParser();
            String line;
            while (!closed && (line = in.readLine()) != null) {
                parser.line(line).ifPresent(e -> {
                    if (e.type().equals("block")) offer(BlockRef.fromEventData(e.data()), false);
                });
            }
            if (!closed) throw new IOException("the node closed the event stream");
        }
    }

    /** Polls the tip for {@code duration}, then returns so the event stream is tried again. */
    private void pollFor(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!closed) {
            try {
                offer(api.latestBlock(), true);
                mode = Mode.POLLING;
            } catch (RuntimeException e) {
                mode = Mode.CONNECTING;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            TimeUnit.NANOSECONDS.sleep(Math.min(left, pollInterval.toNanos()));
        }
    }

    /**
     * Events only move the tip forward. The node's own answer to "latest" replaces it whatever its height: a
     * lower one means the chain was reset (a fresh devnet), and the worker must follow the new chain.
     */
    private void offer(BlockRef ref, boolean authoritative) {
        lock.lock();
        try {
            boolean newer = latest == null || ref.height() > latest.height()
                    || (authoritative && !Objects.equals(ref, latest));
            if (newer) {
                latest = ref;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
