package org.cpc.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server speaking the two node routes the block feed uses: {@code GET /block/latest} and the SSE stream
 * {@code GET /events}, in the node's shapes. Tests move the tip with {@link #commit(long)}; with
 * {@code eventsWork=false} the event route answers 404, as a node without SSE would.
 */
final class TinyEventServer implements AutoCloseable {
    private static final String END = "end";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final AtomicInteger eventConnections = new AtomicInteger();
    private volatile long height;

    TinyEventServer(int port, long height, boolean eventsWork) throws IOException {
        this.height = height;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(executor);
        server.createContext("/block/latest", ex -> reply(ex, 200, blockJson(this.height)));
        server.createContext("/events", ex -> {
            if (!eventsWork) {
                reply(ex, 404, "{\"error\":\"no route GET /events\"}");
                return;
            }
            stream(ex);
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int eventConnections() {
        return eventConnections.get();
    }

    static String hashOf(long height) {
        return String.format("%064x", height + 0xabcdef);
    }

    /** A new tip: served by /block/latest and announced as a {@code block} event. */
    void commit(long h) {
        height = h;
        events.add("event: block\ndata: {\"hash\":\"" + hashOf(h) + "\",\"height\":" + h + ",\"tx_count\":0}\n\n");
    }

    /** Ends the current event stream, as a node restarting its API would. */
    void endStream() {
        events.add(END);
    }

    private static String blockJson(long h) {
        return "{\"hash\":\"" + hashOf(h) + "\",\"header\":{\"height\":" + h + "},\"transactions\":[],\"signature\":null}";
    }

    private void stream(HttpExchange ex) throws IOException {
        eventConnections.incrementAndGet();
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            write(out, ": connected\n\n");
            while (true) {
                String e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e == null) {
                    write(out, ": heartbeat\n\n");
                } else if (e.equals(END)) {
                    return;
                } else {
                    write(out, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // The client went away; nothing to clean up.
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
