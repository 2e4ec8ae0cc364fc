package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cpc.http.HttpService;
import org.cpc.node.api.EventHub;
import org.cpc.protocol.codec.Json;
import org.cpc.testnet.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A devnet ({@code cpc devnet}: a validator node with REST and P2P, and a PoC validator with the Task Market's
 * {@code /worker} WebSocket) in a child JVM with a fixed heap, flooded over loopback by hundreds of connections that
 * open and hold: slowloris requests that never finish their headers, idle sockets, SSE subscribers that never read,
 * WebSockets that never say hello, P2P connects that never handshake. Meanwhile the node must keep committing
 * blocks, {@code /status} must keep answering another client, the child's threads and open file descriptors must
 * stay under caps derived from the configured limits, the connections over a limit must get its error, and once the
 * flood stops, the flooding address must be served again.
 *
 * <p>The flood comes from 127.0.0.3 and the well-behaved client from 127.0.0.2 (both are loopback on Linux; the
 * test is skipped where they cannot be bound); only 127.0.0.1 is ever connected to.
 */
class FloodTest {
    private static final long BLOCK_MS = 500;
    /** Start-up of the child (JVM, Argon2id key unlocking, RocksDB, the PoC validator) on a loaded 2-core machine. */
    private static final Duration STARTUP = Duration.ofSeconds(120);
    /** A block on a machine that is loaded and flooded: 40 block times. The waits poll, so a fast machine waits less. */
    private static final Duration PER_BLOCK = Duration.ofMillis(40 * BLOCK_MS);
    /** How long one {@code /status} may take under the flood before it counts as not answering. */
    private static final Duration STATUS_BOUND = Duration.ofSeconds(20);
    private static final HttpService.ConnectionLimits HTTP = HttpService.ConnectionLimits.DEFAULTS;
    /** {@code P2pConfig.defaults}' max_inbound, which a devnet node runs with. */
    private static final int P2P_MAX_INBOUND = 40;
    /** Jetty's worker threads of the node's REST API and of the Task Market ({@code NodeServer}, {@code MarketServer}). */
    private static final int JETTY_THREADS = 64 + 64;
    /** Descriptors and threads the JVM and RocksDB may open on their own during the run (compaction, GC, JIT). */
    private static final int SLACK = 64;

    // The flood: more of each than its limit lets through, so that without the limits the caps below would fail.
    private static final int SSE = EventHub.MAX_SUBSCRIBERS_PER_IP + 8;
    private static final int SLOWLORIS = 250;
    private static final int IDLE = 100;
    private static final int WEBSOCKETS = 60;
    private static final int P2P = 2 * P2P_MAX_INBOUND;

    private static final InetAddress LOOPBACK = address("127.0.0.1");
    private static final InetAddress CLIENT = address("127.0.0.2");
    private static final InetAddress FLOOD = address("127.0.0.3");

    @TempDir
    Path tmp;

    private ChildJvm child;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        closeAll(sockets);
        if (child != null) child.close();
    }

    @Test
    void aFloodedNodeKeepsCommittingAnsweringAndWithinItsCaps() throws Throwable {
        Assumptions.assumeTrue(bindable(CLIENT) && bindable(FLOOD), "127.0.0.2 and 127.0.0.3 cannot be bound here");
        int[] ports = org.cpc.testnet.Ports.freeLoopback(2);
        int rest = ports[0];
        int market = ports[1];
        child = ChildJvm.start(tmp.resolve("devnet.log"), Cpc.class, "devnet", "--data-dir",
                tmp.resolve("devnet").toString(), "--port", Integer.toString(rest), "--poc-port", Integer.toString(market),
                "--workers", "0", "--solo-workers", "0", "--block-time-ms", Long.toString(BLOCK_MS));
        HttpClient client = HttpClient.newBuilder().localAddress(CLIENT).connectTimeout(STATUS_BOUND).build();
        try {
            await(STARTUP, "the devnet answers with height 2 and its Task Market is up", () ->
                    height(client, rest) >= 2 && get(client, market, "/openapi.json").statusCode() == 200);
            JsonNode status = Json.parse(get(client, rest, "/status").body());
            int p2p = parse(status.path("p2p_listen").asText()).getPort();
            Proc before = Proc.of(child.pid());
            int fdCap = before.fds + 2 * HTTP.maxConnectionsPerIp() + P2P_MAX_INBOUND + SLACK;
            int threadCap = before.threads + JETTY_THREADS + SLACK;
            System.out.printf("FloodTest: before the flood %s; caps: %d fds, %d threads%n", before, fdCap, threadCap);

            List<Socket> sse = open(SSE, rest, "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
            List<Socket> slow = open(SLOWLORIS, rest, "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            List<Socket> idle = open(IDLE, rest, "");
            List<Socket> ws = open(WEBSOCKETS, market, "GET /worker HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            List<Socket> peers = open(P2P, p2p, "");
            long h0 = height(client, rest);
            System.out.printf("FloodTest: %d connections open at height %d%n", sockets.size(), h0);

            // Hold the flood for ten blocks, and at least three P2P handshake timeouts, renewing the P2P connects.
            Proc peak = before;
            long holdUntil = System.nanoTime() + Duration.ofSeconds(16).toNanos();
            long deadline = System.nanoTime() + PER_BLOCK.multipliedBy(10).toNanos();
            long sampled = 0;
            int round = 0;
            while (height(client, rest) < h0 + 10 || System.nanoTime() < holdUntil) {
                assertThat(System.nanoTime()).as("the node commits 10 blocks under the flood (from height " + h0 + ")")
                        .isLessThan(deadline);
                assertThat(child.alive()).as("the devnet is alive").isTrue();
                Thread.sleep(1000);
                round++;
                for (Socket s : slow) trickle(s);
                if (round % 5 == 0) {
                    closeAll(peers);
                    peers = open(P2P, p2p, "");
                }
                // Refused connections linger up to ConnectionGuard.REFUSAL_LINGER_MS (2 s) for the answer to be read.
                if (round >= 3) {
                    Proc now = Proc.of(child.pid());
                    peak = peak.max(now);
                    sampled++;
                    assertThat(now.fds).as("open descriptors under the flood (%s)", now).isLessThanOrEqualTo(fdCap);
                    assertThat(now.threads).as("threads under the flood (%s)", now).isLessThanOrEqualTo(threadCap);
                }
            }
            System.out.printf("FloodTest: height %d after the flood's %d s; peak %s over %d samples%n",
                    height(client, rest), round, peak, sampled);

            // The connections over a limit were told so.
            assertThat(answers(sse).stream().filter(a -> a.startsWith("HTTP/1.1 429")).findAny())
                    .as("an SSE subscriber over the limit per IP hears 429").hasValueSatisfying(a ->
                            assertThat(a).contains("application/json", "too many event streams from 127.0.0.3",
                                    "close some and try again"));
            List<String> restAnswers = answers(idle);
            assertThat(restAnswers).as("idle connections over the limit per IP hear 429")
                    .anySatisfy(a -> assertThat(a).startsWith("HTTP/1.1 429"));
            assertThat(closeCodes(ws)).as("WebSockets waiting to authenticate over the limit are closed with 1013")
                    .contains(1013);

            closeAll(sockets);
            sockets.clear();
            long h1 = height(client, rest);
            HttpClient flood = HttpClient.newBuilder().localAddress(FLOOD).connectTimeout(STATUS_BOUND).build();
            await(PER_BLOCK.multipliedBy(4), "the flooding address is served again, and the node goes on committing",
                    () -> get(flood, rest, "/status").statusCode() == 200 && height(client, rest) >= h1 + 2);
            assertThat(Files.readString(child.log())).as("the child's log").doesNotContain("OutOfMemoryError");
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\n---- the devnet's log (tail)\n" + child.tail(60)
                    + "\n---- its errors\n" + child.errors(), t);
        }
    }

    /** Threads, open descriptors and resident memory of a process, from /proc. */
    private record Proc(int threads, int fds, long rssKb) {
        static Proc of(long pid) throws IOException {
            int threads = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) threads = Integer.parseInt(line.substring(8).trim());
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                return new Proc(threads, (int) fds.count(), rss);
            }
        }

        Proc max(Proc o) {
            return new Proc(Math.max(threads, o.threads), Math.max(fds, o.fds), Math.max(rssKb, o.rssKb));
        }

        @Override
        public String toString() {
            return threads + " threads, " + fds + " fds, " + rssKb / 1024 + " MiB resident";
        }
    }

    /** {@code n} connections from the flood's address to {@code port}, each sent {@code request} and then held. */
    private List<Socket> open(int n, int port, String request) throws IOException {
        List<Socket> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            s.bind(new InetSocketAddress(FLOOD, 0));
            s.connect(new InetSocketAddress(LOOPBACK, port), 10_000);
            s.setSoTimeout(2_000);
            if (!request.isEmpty()) s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            list.add(s);
            sockets.add(s);
        }
        return list;
    }

    /** One more header byte of a request that never ends; a refused one has gone, which is fine. */
    private static void trickle(Socket s) {
        try {
            s.getOutputStream().write('a');
        } catch (IOException ignored) {
            // Closed by the server: it was refused, or timed out.
        }
    }

    /** The first bytes each connection has been sent so far (without waiting for those that have none). */
    private static List<String> answers(List<Socket> list) throws IOException {
        List<String> out = new ArrayList<>();
        for (Socket s : list) {
            if (s.isClosed()) continue;
            InputStream in = s.getInputStream();
            int n = in.available();
            if (n > 0) out.add(new String(in.readNBytes(n), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The close codes of the WebSockets the server closed so far (past the 101 and a text frame or two). */
    private static List<Integer> closeCodes(List<Socket> list) throws IOException {
        List<Integer> codes = new ArrayList<>();
        for (Socket s : list) {
            if (s.isClosed()) continue;
            InputStream in = s.getInputStream();
            int n = in.available();
            if (n == 0) continue;
            byte[] b = in.readNBytes(n);
            int at = indexOf(b, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (at < 0) continue;
            // Server frames are unmasked; payloads under 126 bytes have a one-byte length.
            for (int i = at + 4; i + 1 < b.length; ) {
                int opcode = b[i] & 0x0f;
                int len = b[i + 1] & 0x7f;
                int header = len == 126 ? 4 : len == 127 ? 10 : 2;
                if (len == 126) len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
                if (opcode == 8 && len >= 2 && i + header + 1 < b.length) {
                    codes.add(((b[i + header] & 0xff) << 8) | (b[i + header + 1] & 0xff));
                }
                i += header + len;
            }
        }
        return codes;
    }

    private static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int j = 0; j < what.length; j++) if (b[i + j] != what[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static void closeAll(List<Socket> list) {
        for (Socket s : list) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Going anyway.
            }
        }
    }

    private static long height(HttpClient client, int port) throws IOException, InterruptedException {
        HttpResponse<String> r = get(client, port, "/status");
        assertThat(r.statusCode()).as("GET /status: %s", r.body()).isEqualTo(200);
        return Json.parse(r.body()).path("height").asLong();
    }

    /** A GET that must be answered within {@link #STATUS_BOUND} (HttpTimeoutException otherwise). */
    private static HttpResponse<String> get(HttpClient client, int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(STATUS_BOUND)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} until it holds; a connection refused while the child starts counts as "not yet". */
    private void await(Duration within, String what, Check check) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            assertThat(child.alive()).as("the devnet is alive while waiting for: " + what).isTrue();
            try {
                if (check.holds()) return;
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what + (last == null ? "" : " (" + last + ")"));
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static boolean bindable(InetAddress a) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(a, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
