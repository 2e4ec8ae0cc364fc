package org.cpc.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpc.protocol.codec.Jcs;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open connections of one HTTP service, in total and per client IP. It counts every connection Jetty opens
 * and closes (a WebSocket upgrade closes the HTTP connection and opens the WebSocket one on the same socket, so it
 * stays counted once). A connection over a cap never reaches HTTP parsing: it is answered at once with a JSON error —
 * 429 when its IP has too many, 503 when the service is full — then closed, so a flood costs a socket for about
 * {@link #REFUSAL_LINGER_MS} and no thread.
 */
final class ConnectionGuard implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** How long a refused connection stays open at most, for its client to read the answer (closed earlier on EOF). */
    static final long REFUSAL_LINGER_MS = 2_000;
    /** At most one log line about refusals per this long, with the count since the last one. */
    private static final long LOG_EVERY_NS = 10_000_000_000L;

    private final String service;
    private final HttpService.ConnectionLimits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    /** Each open connection's IP, noted at open: a closed socket no longer tells its remote address. */
    private final ConcurrentHashMap<Connection, InetAddress> ips = new ConcurrentHashMap<>();
    private final AtomicInteger refusedSinceLog = new AtomicInteger();
    private volatile long lastLogNs = System.nanoTime() - LOG_EVERY_NS;

    ConnectionGuard(String service, HttpService.ConnectionLimits limits) {
        this.service = service;
        this.limits = limits;
    }

    /** Open connections now (tests and metrics). */
    int open() {
        return total.get();
    }

    /** HTTP/1.1 as Jetty does it, except that a connection over a cap gets a {@link Refusal} instead. */
    HttpConnectionFactory factory(HttpConfiguration config) {
        return new HttpConnectionFactory(config) {
            @Override
            public Connection newConnection(Connector connector, EndPoint endPoint) {
                Refusal refusal = check(endPoint);
                if (refusal == null) return super.newConnection(connector, endPoint);
                // Closed after the linger even if the client keeps sending (a slowloris trickling its headers).
                connector.getScheduler().schedule(endPoint::close, REFUSAL_LINGER_MS, TimeUnit.MILLISECONDS);
                return refusal;
            }
        };
    }

    private Refusal check(EndPoint endPoint) {
        InetAddress ip = ipOf(endPoint.getRemoteSocketAddress());
        int status;
        String message;
        if (total.get() >= limits.maxConnections()) {
            status = 503;
            message = service + " has " + limits.maxConnections() + " open connections, its limit; try again later";
        } else if (ip != null && count(ip) >= limits.maxConnectionsPerIp()) {
            status = 429;
            message = "too many connections from " + ip.getHostAddress() + " (at most "
                    + limits.maxConnectionsPerIp() + " per address); close some and try again";
        } else {
            return null;
        }
        refused(message);
        return new Refusal(endPoint, status, message);
    }

    private int count(InetAddress ip) {
        AtomicInteger n = perIp.get(ip);
        return n == null ? 0 : n.get();
    }

    private void refused(String message) {
        int n = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLogNs >= LOG_EVERY_NS) {
            lastLogNs = now;
            refusedSinceLog.addAndGet(-n);
            LOG.warn("refused {} connection(s) in the last {} s; latest: {}", n, LOG_EVERY_NS / 1_000_000_000L, message);
        }
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof Refusal) return;
        total.incrementAndGet();
        InetAddress ip = ipOf(connection.getEndPoint().getRemoteSocketAddress());
        if (ip == null) return;
        ips.put(connection, ip);
        perIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof Refusal) return;
        total.decrementAndGet();
        InetAddress ip = ips.remove(connection);
        if (ip != null) perIp.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private static InetAddress ipOf(SocketAddress a) {
        return a instanceof InetSocketAddress s ? s.getAddress() : null;
    }

    /**
     * A refused connection: writes the error response, shuts its output and discards what the client sends until it
     * closes or {@link #REFUSAL_LINGER_MS} pass. Closing at once would reset a connection with unread request bytes,
     * and the client would see "connection reset" instead of the answer.
     */
    static final class Refusal extends AbstractConnection {
        private final ByteBuffer response;
        private final ByteBuffer discard = BufferUtil.allocate(1024);

        Refusal(EndPoint endPoint, int status, String message) {
            super(endPoint, Runnable::run);
            byte[] body = Jcs.canonicalize(JsonHttp.error(message));
            String head = "HTTP/1.1 " + status + (status == 429 ? " Too Many Requests" : " Service Unavailable")
                    + "\r\nContent-Type: " + JsonHttp.JSON + "\r\nContent-Length: " + body.length
                    + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            ByteBuffer b = ByteBuffer.allocate(headBytes.length + body.length).put(headBytes).put(body);
            this.response = b.flip();
        }

        @Override
        public void onOpen() {
            super.onOpen();
            getEndPoint().setIdleTimeout(REFUSAL_LINGER_MS);
            getEndPoint().write(Callback.from(() -> {
                getEndPoint().shutdownOutput();
                fillInterested();
            }, x -> getEndPoint().close()), response);
        }

        @Override
        public void onFillable() {
            try {
                while (true) {
                    BufferUtil.clear(discard);
                    int n = getEndPoint().fill(discard);
                    if (n < 0) {
                        getEndPoint().close();
                        return;
                    }
                    if (n == 0) {
                        fillInterested();
                        return;
                    }
                }
            } catch (java.io.IOException e) {
                getEndPoint().close();
            }
        }
    }
}
