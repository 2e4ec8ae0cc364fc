package org.cpc.p2p;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P2P network over TCP. See docs/protocol.md ("P2P") for the wire format and the limits.
 *
 * <p>Transport: blocking {@code java.net} sockets, each connection served by two virtual threads (a reader that
 * runs the handshake and then delivers frames in order, and a writer that drains the bounded send queue). A blocked
 * read or write parks only a virtual thread, so this scales to the tens of peers a node keeps while the code stays
 * straight-line: per-peer ordering is program order, and the handshake is a sequence of reads and writes rather than
 * an NIO state machine. Every blocking point is bounded: reads by socket timeouts (handshake timeout, then three
 * ping intervals), the handshake as a whole by a watchdog, writes by the send queue (a peer that stops reading fills
 * it and is disconnected, which closes the socket under the blocked writer).
 *
 * <p>A timer thread sends pings and PEX requests and dials learnt addresses; each static peer has a dialler thread
 * that re-dials it with exponential backoff forever.
 *
 * <p>This class is the {@link PeerNetwork} the node sees (sends, penalties and bans, the peer list, start and close)
 * and owns the state its parts share: the open connections, the peers by id, the handshake slots, the bans, the
 * threads it started. The parts, one concern each, read that state through the package-private fields below and
 * come back here to start a thread ({@link #spawn}), queue a frame or ban: {@link InboundAdmission} (the accept loop
 * and who may connect in), {@link Dialler} (outbound dialling and peer exchange) and {@link ConnectionLifecycle} (a
 * connection's life: handshake, registration, read and write loops, disconnect). Each lock is taken in one class
 * only: this one's monitor (start, close, spawning threads) here, the registry lock and the peers' monitors in
 * {@link ConnectionLifecycle}.
 */
public final class TcpPeerNetwork implements PeerNetwork {
    private static final Logger log = LoggerFactory.getLogger(TcpPeerNetwork.class);

    final P2pConfig config;
    final NodeIdentity identity;
    final MessageHandler handler;
    /** Our id's first 8 hex digits, prefixed to every log line: several nodes often share one log. */
    final String tag;

    final BanList bans = new BanList();
    private final Map<String, DecayingScore> scores = new ConcurrentHashMap<>();
    /** Inbound connections in their handshake hold one of these, not one of max_inbound. */
    final HandshakeSlots handshakeSlots;
    /** Every open connection, handshaking or not. */
    final Set<Peer> connections = ConcurrentHashMap.newKeySet();
    /** Connections past the handshake, by peer id. */
    final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    final InboundAdmission inbound;
    final Dialler dialler;
    final ConnectionLifecycle lifecycle;

    /** Written only by start and close. */
    volatile boolean running;
    private boolean started;
    private boolean closed;
    private ServerSocket server;
    // Set once by start(), before the threads that read them start.
    ScheduledExecutorService timer;
    Handshake handshake;

    public TcpPeerNetwork(P2pConfig config, NodeIdentity identity, MessageHandler handler) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.tag = identity.nodeId().substring(0, 8);
        this.handshakeSlots = new HandshakeSlots(config.inbound());
        this.dialler = new Dialler(this);
        this.inbound = new InboundAdmission(this);
        this.lifecycle = new ConnectionLifecycle(this);
    }

    @Override
    public synchronized void start() {
        if (started || closed) throw new IllegalStateException(closed ? "closed" : "already started");
        started = true;
        try {
            server = new ServerSocket();
            server.bind(config.listen());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
        PeerAddress advertise = config.advertise() != null ? PeerAddress.of(config.advertise())
                : new PeerAddress(config.listen().getHostString(), server.getLocalPort());
        dialler.addSelf(advertise);
        handshake = new Handshake(config, identity, advertise);
        running = true;
        timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("p2p-timer-" + tag).unstarted(r));
        timer.scheduleWithFixedDelay(this::keepAlive, config.pingIntervalMs(), config.pingIntervalMs(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(dialler::requestAddresses, config.pexIntervalMs(), config.pexIntervalMs(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(dialler::dialLearnt, Dialler.LEARNT_DIAL_INTERVAL_MS,
                Dialler.LEARNT_DIAL_INTERVAL_MS, TimeUnit.MILLISECONDS);
        spawn("p2p-accept-" + tag, () -> inbound.acceptLoop(server));
        dialler.dialStaticPeers();
        log.info("[{}] p2p listening on {} (advertising {}), node id {}, {} static peer(s)", tag,
                server.getLocalSocketAddress(), advertise, identity.nodeId(), config.staticPeers().size());
    }

    @Override
    public int listenPort() {
        ServerSocket s = server;
        if (s == null) throw new IllegalStateException("not started");
        return s.getLocalPort();
    }

    @Override
    public String nodeId() {
        return identity.nodeId();
    }

    @Override
    public void broadcast(Channel channel, byte[] payload) {
        broadcastExcept(null, channel, payload);
    }

    @Override
    public void broadcastExcept(String exceptPeerId, Channel channel, byte[] payload) {
        byte[] frame = frameOf(channel, payload);
        for (Peer p : peers.values()) {
            if (!p.id.equals(exceptPeerId)) enqueue(p, frame);
        }
    }

    @Override
    public boolean send(String peerId, Channel channel, byte[] payload) {
        byte[] frame = frameOf(channel, payload);
        Peer p = peers.get(peerId);
        return p != null && enqueue(p, frame);
    }

    private byte[] frameOf(Channel channel, byte[] payload) {
        if (channel == Channel.PEX) throw new IllegalArgumentException("the PEX channel belongs to the p2p module");
        if (payload.length > config.maxFrameBytes() - 1) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is over the frame limit of "
                    + config.maxFrameBytes() + " bytes");
        }
        return Frame.encode(channel.wire(), payload);
    }

    /** Queues a frame; a peer whose queue is full is too slow to keep, and is disconnected rather than waited for. */
    boolean enqueue(Peer p, byte[] frame) {
        if (p.offer(frame)) return true;
        lifecycle.disconnect(p, "send queue full (" + config.sendQueueFrames() + " frames or "
                + Peer.maxQueuedBytes(config) + " bytes): the peer reads too slowly");
        return false;
    }

    @Override
    public void penalize(String peerId, Misbehaviour m, String reason) {
        long now = nowMs();
        int score = scores.computeIfAbsent(peerId, k -> new DecayingScore(now)).add(m.points(), now);
        log.debug("[{}] penalized {} {} (+{}, score {}): {}", tag, peerId, m, m.points(), score, reason);
        if (m == Misbehaviour.PROTOCOL_VIOLATION) {
            ban(peerId, peers.get(peerId), "protocol violation: " + reason);
        } else if (score >= config.banScore()) {
            ban(peerId, peers.get(peerId), "score " + score + " reached " + config.banScore() + " after " + m + ": "
                    + reason);
        }
    }

    /**
     * Bans node {@code peerId} (null before it proved an id) and the IP of {@code p} ({@link BanList#ban} spares
     * loopback) for ban_ms, and drops {@code p} (null when the node has no connection).
     */
    void ban(String peerId, Peer p, String reason) {
        boolean ipBanned = bans.ban(peerId, p == null ? null : p.ip(), nowMs() + config.banMs(), nowMs());
        String what = (peerId != null ? peerId : "") + (peerId != null && ipBanned ? " and " : "")
                + (ipBanned ? "IP " + p.ip().getHostAddress() : "");
        if (what.isEmpty()) {
            log.info("[{}] dropping {} (no node id yet and a loopback IP: nothing to ban): {}", tag, p, reason);
        } else {
            log.info("[{}] banned {} for {} ms: {}", tag, what, config.banMs(), reason);
        }
        if (p != null) lifecycle.disconnect(p, "banned: " + reason);
    }

    @Override
    public List<PeerInfo> peers() {
        long now = nowMs();
        List<PeerInfo> out = new ArrayList<>();
        for (Peer p : peers.values()) {
            if (p.listed) out.add(info(p, now));
        }
        out.sort(Comparator.comparing(PeerInfo::id));
        return out;
    }

    PeerInfo info(Peer p, long nowMs) {
        DecayingScore s = scores.get(p.id);
        InetSocketAddress listen = p.listen == null ? null
                : InetSocketAddress.createUnresolved(p.listen.host(), p.listen.port());
        return new PeerInfo(p.id, p.remote(), listen, p.outbound, p.connectedAtMs, s == null ? 0 : s.value(nowMs),
                p.moniker);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            // Under the lock that spawn() holds: no thread starts after this, so the joins below see them all.
            running = false;
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                log.warn("[{}] closing the listen socket: {}", tag, e.getMessage());
            }
        }
        if (timer != null) timer.shutdownNow();
        for (Peer p : connections) lifecycle.disconnect(p, "shutting down");
        for (Thread t : threads) t.interrupt();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            for (Thread t : threads) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (timer != null) timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!threads.isEmpty()) log.warn("[{}] {} p2p thread(s) still running after close", tag, threads.size());
        log.info("[{}] p2p closed", tag);
    }

    /** Threads this network started that have not ended yet (for tests of {@link #close}). */
    int liveThreads() {
        return threads.size();
    }

    /** Inbound connections in their handshake now (for tests of the handshake slots). */
    int handshaking() {
        return handshakeSlots.held();
    }

    /** Pings every peer (a silent peer times out on our side after three intervals) and forgets decayed scores. */
    private void keepAlive() {
        byte[] ping = Frame.encode(Frame.CONTROL, new ControlMessage.Ping(ThreadLocalRandom.current().nextLong()).encode());
        for (Peer p : peers.values()) enqueue(p, ping);
        long now = nowMs();
        scores.entrySet().removeIf(e -> !peers.containsKey(e.getKey()) && e.getValue().value(now) == 0);
    }

    /** Starts a tracked virtual thread; false (and nothing started) once closing. */
    synchronized boolean spawn(String name, Runnable body) {
        if (!running) return false;
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                log.error("[{}] {} failed", tag, Thread.currentThread().getName(), e);
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(t);
        t.start();
        return true;
    }

    /** Monotonic milliseconds for scores and bans: a wall-clock jump must not lift or extend a ban. */
    static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing more to do with it.
        }
    }
}
