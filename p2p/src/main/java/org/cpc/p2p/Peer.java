package org.cpc.p2p;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One TCP connection, from accept or dial to close: its streams, its bounded send queue (drained by its writer
 * thread), its per-channel rate limits and, after the handshake, who the peer is.
 */
final class Peer {
    private static final int BUFFER_BYTES = 64 * 1024;

    final Socket socket;
    final boolean outbound;
    /** The address we dialled; null for an inbound connection. */
    final PeerAddress dialled;
    final DataInputStream in;
    final OutputStream out;
    private final ArrayBlockingQueue<byte[]> queue;
    /**
     * Bytes queued and not yet written, bounded by {@link #maxQueuedBytes}: a frame count alone let a peer that asks
     * for large answers (block ranges, snapshot chunks) and never reads make a node hold thousands of them.
     */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final long maxQueuedBytes;
    /** Indexed by frame type: control, then each channel's wire byte. Used by the reader thread only. */
    private final TokenBucket[] buckets;
    private final AtomicReference<String> closeReason = new AtomicReference<>();

    // Set once by the handshake, before the peer is registered (and so before other threads see it).
    volatile String id;
    volatile String moniker;
    /** Where the peer accepts connections (its advertised address); null if it advertises none. */
    volatile PeerAddress listen;
    volatile long connectedAtMs;
    volatile Thread writer;
    /**
     * Guarded by this peer's monitor: the node has been told of the connection (onPeerConnected was called), so it
     * must be told of its end, and only then: a connection that dies before that is never announced at all.
     */
    boolean announced;
    /** onPeerConnected returned: {@code peers()} lists the peer from now on, as the node knows of it. */
    volatile boolean listed;

    Peer(Socket socket, boolean outbound, PeerAddress dialled, P2pConfig config) throws IOException {
        this.socket = socket;
        this.outbound = outbound;
        this.dialled = dialled;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES));
        this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
        this.queue = new ArrayBlockingQueue<>(config.sendQueueFrames());
        this.maxQueuedBytes = maxQueuedBytes(config);
        long now = System.nanoTime();
        int types = 1;
        for (Channel c : Channel.values()) types = Math.max(types, c.wire() + 1);
        this.buckets = new TokenBucket[types];
        for (int i = 0; i < types; i++) buckets[i] = new TokenBucket(config.maxMessagesPerSecond(), now);
    }

    InetSocketAddress remote() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    InetAddress ip() {
        return socket.getInetAddress();
    }

    /** The most bytes one peer's send queue holds: two of the largest frames (one always fits an empty queue). */
    static long maxQueuedBytes(P2pConfig config) {
        return 2L * config.maxFrameBytes();
    }

    /**
     * Queues an encoded frame; false when the queue is full (in frames or in bytes) or the connection closed. Never
     * blocks.
     */
    boolean offer(byte[] frame) {
        if (closeReason.get() != null) return false;
        long after = queuedBytes.addAndGet(frame.length);
        if (after > maxQueuedBytes && after != frame.length) {
            queuedBytes.addAndGet(-frame.length);
            return false;
        }
        if (queue.offer(frame)) return true;
        queuedBytes.addAndGet(-frame.length);
        return false;
    }

    boolean withinRate(int frameType, long nowNanos) {
        return buckets[frameType].tryTake(nowNanos);
    }

    /**
     * The writer thread's loop: writes queued frames, flushing once the queue is drained so that a burst goes out
     * in few packets. Returns when the connection closes (the socket close or an interrupt wakes it).
     */
    void writeLoop() throws IOException, InterruptedException {
        while (!isClosed()) {
            byte[] frame = queue.take();
            do {
                out.write(frame);
                queuedBytes.addAndGet(-frame.length);
            } while ((frame = queue.poll()) != null);
            out.flush();
        }
    }

    /** Closes the socket once; true for the call that did. The first reason is the one reported. */
    boolean close(String reason) {
        if (!closeReason.compareAndSet(null, reason)) return false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all we wanted; a failure to close a broken socket changes nothing.
        }
        Thread w = writer;
        if (w != null) w.interrupt();
        queue.clear();
        return true;
    }

    boolean isClosed() {
        return closeReason.get() != null;
    }

    /** Why the connection was closed by us; null while open or when the peer or the network closed it. */
    String closeReason() {
        return closeReason.get();
    }

    @Override
    public String toString() {
        return (id != null ? id.substring(0, 8) + "@" : "") + remote();
    }
}
