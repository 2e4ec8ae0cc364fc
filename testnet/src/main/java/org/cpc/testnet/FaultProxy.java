package org.cpc.testnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy for one link of the testnet, whose faults the test sets while it runs. It listens on a free loopback
 * port; every connection accepted there is forwarded to {@code target}. The dialling side is {@link Dir#FORWARD}'s
 * sender, the target {@link Dir#BACKWARD}'s; each direction has its own {@link Shape} (latency, jitter, bandwidth)
 * and can be blocked on its own, so one-way partitions are a matter of blocking one direction.
 *
 * <p>Blocking models a network that silently loses every packet, as a cut cable does: bytes stop flowing, nothing
 * is closed, and TCP's retransmissions deliver what was held once the block lifts (the proxy stops reading, so the
 * sender's socket buffers fill and its writes wait; it may then give up on the peer by its own timeouts). Resetting
 * closes the link's connections at once, as a middlebox dropping state does. Each connection is two pumps on
 * virtual threads per direction: a reader that stamps every chunk with its delivery time and a writer that keeps
 * to it and to the bandwidth.
 */
public final class FaultProxy implements AutoCloseable {
    /** Largest chunk read at once: small enough that latency and bandwidth apply at a fine grain. */
    static final int CHUNK_BYTES = 16 * 1024;
    /** Chunks in flight per direction of one connection (at most 1 MiB); a full queue stops the reader. */
    static final int QUEUE_CHUNKS = 64;
    /** How long the proxy waits to reach the target before it gives up on the accepted connection. */
    static final int CONNECT_TIMEOUT_MS = 2_000;
    /** How often a pump waiting on a blocked direction or a full queue looks whether its connection was reset. */
    static final long POLL_MS = 100;

    /** The two directions of a link: FORWARD from the dialling node to the target, BACKWARD the replies. */
    public enum Dir { FORWARD, BACKWARD }

    /**
     * How one direction delivers.
     *
     * @param latencyMs every byte arrives at least this late
     * @param jitterMs a further delay, uniform in [0, jitterMs], drawn per chunk; bytes are never reordered (TCP)
     * @param bytesPerSecond bandwidth; 0 = unlimited
     */
    public record Shape(long latencyMs, long jitterMs, long bytesPerSecond) {
        public static final Shape CLEAN = new Shape(0, 0, 0);

        public Shape {
            if (latencyMs < 0 || jitterMs < 0 || bytesPerSecond < 0) {
                throw new IllegalArgumentException("latency, jitter and bandwidth must be >= 0");
            }
        }

        @Override
        public String toString() {
            return latencyMs + "±" + jitterMs + " ms" + (bytesPerSecond == 0 ? "" : ", " + bytesPerSecond / 1024 + " KiB/s");
        }
    }

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Direction forward = new Direction();
    private final Direction backward = new Direction();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Starts a proxy to {@code target} on a free loopback port ({@link #port()}). */
    public FaultProxy(String name, InetSocketAddress target) {
        this.name = name;
        this.target = target;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for proxy " + name + ": " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("proxy-accept-" + name).start(this::acceptLoop);
    }

    /** The loopback port the dialling node connects to. */
    public int port() {
        return server.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public void shape(Dir dir, Shape shape) {
        direction(dir).shape = shape;
    }

    public void block(Dir dir, boolean blocked) {
        direction(dir).setBlocked(blocked);
    }

    /** Closes every connection of the link now; the nodes see a reset and re-dial. */
    public void reset() {
        for (Socket s : sockets) closeQuietly(s);
    }

    /** Back to a clean link: no shape, nothing blocked (open connections carry on). */
    public void heal() {
        for (Dir d : Dir.values()) {
            shape(d, Shape.CLEAN);
            block(d, false);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        heal();
        reset();
    }

    @Override
    public String toString() {
        return name;
    }

    private Direction direction(Dir dir) {
        return dir == Dir.FORWARD ? forward : backward;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                if (!closed) System.err.println("proxy " + name + ": accept failed: " + e.getMessage());
                return;
            }
            Thread.ofVirtual().name("proxy-connect-" + name).start(() -> connect(in));
        }
    }

    private void connect(Socket in) {
        Socket out = new Socket();
        sockets.add(in);
        sockets.add(out);
        try {
            out.connect(target, CONNECT_TIMEOUT_MS);
            in.setTcpNoDelay(true);
            out.setTcpNoDelay(true);
        } catch (IOException e) {
            // The target is down (killed, not started yet): the dialling node sees its connection close.
            closeBoth(in, out);
            return;
        }
        if (closed) {
            closeBoth(in, out);
            return;
        }
        pump(in, out, forward);
        pump(out, in, backward);
    }

    /** Copies {@code from} to {@code to} through {@code dir}'s faults, on two virtual threads. */
    private void pump(Socket from, Socket to, Direction dir) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
        Thread.ofVirtual().name("proxy-read-" + name).start(() -> {
            try {
                InputStream src = from.getInputStream();
                byte[] buf = new byte[CHUNK_BYTES];
                long lastDue = 0;
                int n;
                while ((n = src.read(buf)) >= 0) {
                    dir.awaitOpen(to);
                    Shape s = dir.shape;
                    long jitter = s.jitterMs() == 0 ? 0 : ThreadLocalRandom.current().nextLong(s.jitterMs() + 1);
                    // Never before an earlier chunk: TCP delivers in order, so jitter delays but cannot reorder.
                    long due = Math.max(lastDue, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.latencyMs() + jitter));
                    lastDue = due;
                    put(queue, new Chunk(Arrays.copyOf(buf, n), due), to);
                }
                put(queue, Chunk.END, to);
            } catch (IOException | InterruptedException e) {
                // reset, closed, or the node went away: the writer's side is closed below
            } finally {
                closeBoth(from, to);
                queue.offer(Chunk.END);
            }
        });
        Thread.ofVirtual().name("proxy-write-" + name).start(() -> {
            try {
                OutputStream dst = to.getOutputStream();
                long nextFree = System.nanoTime();
                while (true) {
                    Chunk c = queue.take();
                    if (c == Chunk.END) break;
                    dir.awaitOpen(to);
                    sleepUntil(c.due());
                    long bps = dir.shape.bytesPerSecond();
                    if (bps > 0) {
                        // Pace: this chunk may leave once the previous ones have had their share of the bandwidth.
                        nextFree = Math.max(nextFree, System.nanoTime()) + c.bytes().length * 1_000_000_000L / bps;
                        sleepUntil(nextFree);
                    }
                    dst.write(c.bytes());
                    dst.flush();
                }
            } catch (IOException | InterruptedException e) {
                // as above
            } finally {
                closeBoth(from, to);
            }
        });
    }

    /** Queues a chunk, waiting while the queue is full; gives up once the writer's socket is closed (reset). */
    private static void put(BlockingQueue<Chunk> queue, Chunk c, Socket to) throws InterruptedException, IOException {
        while (!queue.offer(c, POLL_MS, TimeUnit.MILLISECONDS)) {
            if (to.isClosed()) throw new IOException("closed");
        }
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    /** A chunk of bytes and the System.nanoTime() at which it may be delivered. */
    private record Chunk(byte[] bytes, long due) {
        static final Chunk END = new Chunk(new byte[0], 0);
    }

    /** One direction's faults, changed by the test while pumps read them. */
    private static final class Direction {
        volatile Shape shape = Shape.CLEAN;
        private boolean blocked;

        synchronized void setBlocked(boolean b) {
            blocked = b;
            if (!b) notifyAll();
        }

        /** Waits while blocked; a reset (the socket closed) ends the wait with an exception. */
        synchronized void awaitOpen(Socket s) throws InterruptedException, IOException {
            while (blocked) {
                if (s.isClosed()) throw new IOException("closed");
                wait(POLL_MS);
            }
        }
    }
}
