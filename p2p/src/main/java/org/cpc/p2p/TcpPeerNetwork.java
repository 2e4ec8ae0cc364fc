package org.cpc.p2p;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
 */
public final class TcpPeerNetwork implements PeerNetwork {
    private static final Logger log = LoggerFactory.getLogger(TcpPeerNetwork.class);
    static final int ADDRESS_BOOK_CAPACITY = 1000;
    private static final long LEARNT_DIAL_INTERVAL_MS = 500;

    private final P2pConfig config;
    private final NodeIdentity identity;
    private final MessageHandler handler;
    /** Our id's first 8 hex digits, prefixed to every log line: several nodes often share one log. */
    private final String tag;

    private final BanList bans = new BanList();
    private final Map<String, DecayingScore> scores = new ConcurrentHashMap<>();
    private final AddressBook addressBook = new AddressBook(ADDRESS_BOOK_CAPACITY);
    /** Inbound connections in their handshake hold one of these, not one of max_inbound. */
    private final HandshakeSlots handshakeSlots;
    /** Every open connection, handshaking or not. */
    private final Set<Peer> connections = ConcurrentHashMap.newKeySet();
    /** Connections past the handshake, by peer id. */
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    /** The node id found at each dialled address, so a static peer connected the other way is not re-dialled. */
    private final Map<PeerAddress, String> idsByAddress = new ConcurrentHashMap<>();
    private final Set<PeerAddress> staticAddresses;
    private final Set<PeerAddress> selfAddresses = ConcurrentHashMap.newKeySet();
    private final Set<PeerAddress> dialling = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Object registry = new Object();

    private volatile boolean running;
    /** Refusals since the last logged one, and when that was (accept thread only). */
    private int refusedSinceLog;
    private long lastRefusalLogNs;
    private boolean started;
    private boolean closed;
    private ServerSocket server;
    private ScheduledExecutorService timer;
    private Handshake handshake;

    public TcpPeerNetwork(P2pConfig config, NodeIdentity identity, MessageHandler handler) {
        this.config = Objects.requireNonNull(config, "config");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.tag = identity.nodeId().substring(0, 8);
        this.handshakeSlots = new HandshakeSlots(config.inbound());
        this.staticAddresses = config.staticPeers().stream().map(PeerAddress::of)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
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
        selfAddresses.add(advertise);
        handshake = new Handshake(config, identity, advertise);
        running = true;
        timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("p2p-timer-" + tag).unstarted(r));
        timer.scheduleWithFixedDelay(this::keepAlive, config.pingIntervalMs(), config.pingIntervalMs(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::requestAddresses, config.pexIntervalMs(), config.pexIntervalMs(),
                TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::dialLearnt, LEARNT_DIAL_INTERVAL_MS, LEARNT_DIAL_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        spawn("p2p-accept-" + tag, this::acceptLoop);
        for (PeerAddress address : staticAddresses) spawn("p2p-static-" + address, () -> dialForever(address));
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
    private boolean enqueue(Peer p, byte[] frame) {
        if (p.offer(frame)) return true;
        disconnect(p, "send queue full (" + config.sendQueueFrames() + " frames or " + Peer.maxQueuedBytes(config)
                + " bytes): the peer reads too slowly");
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

    private void ban(String peerId, Peer p, String reason) {
        boolean ipBanned = bans.ban(peerId, p == null ? null : p.ip(), nowMs() + config.banMs(), nowMs());
        String what = (peerId != null ? peerId : "") + (peerId != null && ipBanned ? " and " : "")
                + (ipBanned ? "IP " + p.ip().getHostAddress() : "");
        if (what.isEmpty()) {
            log.info("[{}] dropping {} (no node id yet and a loopback IP: nothing to ban): {}", tag, p, reason);
        } else {
            log.info("[{}] banned {} for {} ms: {}", tag, what, config.banMs(), reason);
        }
        if (p != null) disconnect(p, "banned: " + reason);
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

    private PeerInfo info(Peer p, long nowMs) {
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
        for (Peer p : connections) disconnect(p, "shutting down");
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

    // ---------------------------------------------------------------------------------------------------------
    // Connections

    private void acceptLoop() {
        while (running) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (running) log.warn("[{}] accept failed: {}", tag, e.getMessage());
                continue;
            }
            if (bans.isBanned(s.getInetAddress(), nowMs())) {
                refuseEarly(s, "banned IP " + s.getInetAddress().getHostAddress());
            } else if (!s.getInetAddress().isLoopbackAddress()
                    && inboundFrom(s.getInetAddress()) >= config.inbound().maxPerIp()) {
                refuseEarly(s, "too many inbound connections from " + s.getInetAddress().getHostAddress() + " (at most "
                        + config.inbound().maxPerIp() + " per address)");
            } else {
                accept(s);
            }
        }
    }

    /** Gives an accepted connection a handshake slot and a thread to run the handshake on, or refuses it. */
    private void accept(Socket s) {
        Peer p;
        try {
            p = new Peer(s, false, null, config);
        } catch (IOException e) {
            closeQuietly(s);
            return;
        }
        switch (handshakeSlots.take(p, nowMs())) {
            case HandshakeSlots.Decision.Refuse(String reason) -> refuseEarly(s, reason);
            case HandshakeSlots.Decision.Admit(Peer evicted) -> {
                if (evicted != null) {
                    disconnect(evicted, "its handshake slot went to a newer connection (all "
                            + config.inbound().maxHandshaking() + " taken)");
                }
                connections.add(p);
                if (!spawn("p2p-in-" + s.getRemoteSocketAddress(), () -> serve(p))) disconnect(p, "shutting down");
            }
        }
    }

    /** Inbound connections in their handshake now (for tests of the handshake slots). */
    int handshaking() {
        return handshakeSlots.held();
    }

    /** Why an inbound peer past the handshake cannot be kept: all of max_inbound taken; null when it can. */
    private String inboundFull(Peer p) {
        if (p.outbound) return null;
        long established = peers.values().stream().filter(o -> !o.outbound).count();
        return established >= config.maxInbound()
                ? "too many inbound connections (max_inbound " + config.maxInbound() + ")" : null;
    }

    private long inboundFrom(java.net.InetAddress ip) {
        return connections.stream().filter(p -> !p.outbound && ip.equals(p.ip())).count();
    }

    /** Refuses a connection before its handshake, telling it why (a write of a few bytes to a fresh socket). */
    private void refuseEarly(Socket s, String reason) {
        // On the accept thread only. One line per 10 s at most: a flood of connects must not become a flood of logs.
        refusedSinceLog++;
        long now = System.nanoTime();
        if (lastRefusalLogNs == 0 || now - lastRefusalLogNs >= TimeUnit.SECONDS.toNanos(10)) {
            log.info("[{}] refused connection from {}: {}{}", tag, s.getRemoteSocketAddress(), reason,
                    refusedSinceLog > 1 ? " (" + refusedSinceLog + " refused since the last line like this)" : "");
            lastRefusalLogNs = now;
            refusedSinceLog = 0;
        }
        try (s) {
            s.getOutputStream().write(Frame.encode(Frame.CONTROL, new ControlMessage.Goodbye(reason).encode()));
        } catch (IOException ignored) {
            // It is being refused anyway.
        }
    }

    /** Dials once and serves the connection until it ends; true if it got past the handshake. */
    private boolean dial(PeerAddress address) {
        Socket s = new Socket();
        try {
            s.connect(address.resolve(), (int) Math.min(Integer.MAX_VALUE, config.handshakeTimeoutMs()));
        } catch (IOException | IllegalArgumentException e) {
            log.debug("[{}] cannot connect to {}: {}", tag, address, e.getMessage());
            closeQuietly(s);
            return false;
        } finally {
            dialling.remove(address);
        }
        Peer p;
        try {
            p = new Peer(s, true, address, config);
        } catch (IOException e) {
            closeQuietly(s);
            return false;
        }
        connections.add(p);
        // Checked after adding: close() either sees this connection or we see that it ran.
        if (!running) {
            disconnect(p, "shutting down");
            return false;
        }
        return serve(p);
    }

    /** Runs the handshake, then the read loop, on the calling (virtual) thread; true if the handshake succeeded. */
    private boolean serve(Peer p) {
        ScheduledFuture<?> watchdog;
        try {
            watchdog = timer.schedule(() -> {
                if (p.id == null) disconnect(p, "handshake not finished within " + config.handshakeTimeoutMs() + " ms");
            }, config.handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            disconnect(p, "shutting down");
            return false;
        }
        Handshake.Result result;
        try {
            p.socket.setTcpNoDelay(true);
            p.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.handshakeTimeoutMs()));
            result = handshake.run(p.in, p.out, peerId -> admission(p, peerId));
        } catch (IOException e) {
            watchdog.cancel(false);
            handshakeSlots.release(p);
            handshakeFailed(p, e);
            return false;
        }
        watchdog.cancel(false);
        handshakeSlots.release(p);
        if (!register(p, result)) return false;
        readLoop(p);
        return true;
    }

    private String admission(Peer p, String peerId) {
        if (bans.isBanned(peerId, nowMs())) return "node " + peerId + " is banned";
        String full = inboundFull(p);
        if (full != null) return full;
        Peer existing = peers.get(peerId);
        if (existing != null && !survives(p, peerId)) {
            return "duplicate connection to " + peerId + "; keeping the one dialled by the lower node id";
        }
        return null;
    }

    /**
     * Of two connections between the same two nodes, both keep the one dialled by the node with the lower id, so
     * both sides drop the same one whichever order they see them in.
     */
    private boolean survives(Peer p, String peerId) {
        boolean weAreLower = identity.nodeId().compareTo(peerId) < 0;
        return p.outbound == weAreLower;
    }

    private void handshakeFailed(Peer p, IOException e) {
        String why = p.closeReason() != null ? p.closeReason()
                : e instanceof SocketTimeoutException ? "handshake not finished within " + config.handshakeTimeoutMs() + " ms"
                : e instanceof EOFException ? "connection closed during the handshake"
                : e.getMessage();
        switch (e) {
            case HandshakeException h when h.kind() == HandshakeException.Kind.SELF -> {
                if (p.dialled != null) {
                    selfAddresses.add(p.dialled);
                    addressBook.remove(p.dialled);
                }
                log.info("[{}] refused {}: {}", tag, p, why);
            }
            case HandshakeException h when h.kind() == HandshakeException.Kind.VIOLATION ->
                    ban(h.peerId(), p, "protocol violation in the handshake: " + why);
            case HandshakeException h -> {
                // A static peer that refused us as a duplicate is connected the other way: its dialler waits for
                // that connection to end instead of re-dialling into the same refusal.
                if (h.peerId() != null && p.dialled != null && staticAddresses.contains(p.dialled)) {
                    idsByAddress.put(p.dialled, h.peerId());
                }
                log.info("[{}] refused {}{}: {}", tag, p, h.peerId() == null ? "" : " (node " + h.peerId() + ")", why);
            }
            case ProtocolViolationException v -> ban(null, p, "protocol violation in the handshake: " + why);
            default -> log.info("[{}] handshake with {} failed: {}", tag, p, why);
        }
        disconnect(p, why);
    }

    private boolean register(Peer p, Handshake.Result r) {
        ControlMessage.Hello hello = r.hello();
        p.moniker = hello.moniker();
        p.listen = advertisedAddress(hello.advertise(), p);
        p.connectedAtMs = System.currentTimeMillis();
        synchronized (registry) {
            if (!running || p.isClosed()) {
                disconnect(p, "shutting down");
                return false;
            }
            Peer existing = peers.get(r.peerId());
            // Checked again under the lock: two handshakes may both have passed admission() for the last slot.
            String full = existing == null ? inboundFull(p) : null;
            if (full != null) {
                log.info("[{}] refused {}: {}", tag, p, full);
                disconnect(p, full);
                return false;
            }
            if (existing != null) {
                if (!survives(p, r.peerId())) {
                    log.info("[{}] dropped duplicate connection {}; keeping the one dialled by the lower node id", tag, p);
                    disconnect(p, "duplicate connection");
                    return false;
                }
                disconnect(existing, "replaced by the connection dialled by the lower node id");
            }
            p.id = r.peerId();
            peers.put(p.id, p);
        }
        if (p.dialled != null && staticAddresses.contains(p.dialled)) idsByAddress.put(p.dialled, p.id);
        try {
            p.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, 3 * config.pingIntervalMs()));
        } catch (IOException e) {
            disconnect(p, e.getMessage());
            return false;
        }
        if (!spawn("p2p-out-" + p.id.substring(0, 8), () -> writeLoop(p))) {
            disconnect(p, "shutting down");
            return false;
        }
        log.info("[{}] connected to {} '{}' ({}, remote {}, listening on {})", tag, p.id, p.moniker,
                p.outbound ? "outbound" : "inbound", p.remote(), p.listen);
        // Under the peer's monitor so that a disconnect on another thread (a full send queue, a replacing connection)
        // cannot tell the node of the end before it has been told of the start.
        synchronized (p) {
            if (p.isClosed()) return false;
            p.announced = true;
            try {
                handler.onPeerConnected(info(p, nowMs()));
            } catch (RuntimeException e) {
                log.warn("[{}] onPeerConnected({}) threw", tag, p.id, e);
            }
            p.listed = true;
        }
        enqueue(p, Frame.encode(Channel.PEX.wire(), new PexMessage.Request().encode()));
        return true;
    }

    /** A wildcard advertised host (0.0.0.0, ::) means "the address you see me at". */
    private static PeerAddress advertisedAddress(PeerAddress advertised, Peer p) {
        if (advertised == null) return null;
        String host = advertised.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return new PeerAddress(p.ip().getHostAddress(), advertised.port());
        }
        return advertised;
    }

    private void writeLoop(Peer p) {
        p.writer = Thread.currentThread();
        try {
            p.writeLoop();
        } catch (IOException e) {
            disconnect(p, "write failed: " + e.getMessage());
        } catch (InterruptedException e) {
            disconnect(p, "shutting down");
        }
    }

    private void readLoop(Peer p) {
        try {
            while (!p.isClosed()) onFrame(p, Frame.read(p.in, config.maxFrameBytes()));
        } catch (ProtocolViolationException e) {
            penalize(p.id, Misbehaviour.PROTOCOL_VIOLATION, e.getMessage());
        } catch (SocketTimeoutException e) {
            disconnect(p, "silent for " + 3 * config.pingIntervalMs() + " ms");
        } catch (EOFException e) {
            disconnect(p, "connection closed by the peer");
        } catch (IOException e) {
            disconnect(p, e.getMessage());
        }
    }

    private void onFrame(Peer p, Frame f) throws ProtocolViolationException {
        if (!p.withinRate(f.type(), System.nanoTime())) {
            penalize(p.id, Misbehaviour.RATE_EXCEEDED, "over " + config.maxMessagesPerSecond()
                    + " messages/s on " + (f.type() == Frame.CONTROL ? "control" : Channel.ofWire(f.type())));
            return;
        }
        if (f.type() == Frame.CONTROL) {
            switch (ControlMessage.decode(f.payload())) {
                case ControlMessage.Ping(long nonce) ->
                        enqueue(p, Frame.encode(Frame.CONTROL, new ControlMessage.Pong(nonce).encode()));
                case ControlMessage.Pong pong -> { }
                case ControlMessage.Goodbye(String reason) -> disconnect(p, "the peer left: " + reason);
                case ControlMessage.Hello h -> throw new ProtocolViolationException("hello after the handshake");
                case ControlMessage.Auth a -> throw new ProtocolViolationException("auth after the handshake");
            }
            return;
        }
        Channel channel = Channel.ofWire(f.type());
        if (channel == Channel.PEX) {
            onPex(p, PexMessage.decode(f.payload()));
            return;
        }
        if (log.isDebugEnabled()) log.debug("[{}] {} bytes on {} from {}", tag, f.payload().length, channel, p.id);
        // A frame read just before a ban or close is dropped: the node has been told the peer is gone.
        if (p.isClosed()) return;
        try {
            handler.onMessage(p.id, channel, f.payload());
        } catch (RuntimeException e) {
            log.warn("[{}] the handler threw on a {} message from {}; the connection stays", tag, channel, p.id, e);
        }
    }

    /** Removes and closes a connection once; the node hears of it only if it had heard of the peer. */
    private void disconnect(Peer p, String reason) {
        if (!p.close(reason)) return;
        connections.remove(p);
        handshakeSlots.release(p);
        if (p.id != null && peers.remove(p.id, p)) {
            log.info("[{}] disconnected from {}: {}", tag, p, reason);
            synchronized (p) {
                if (!p.announced) return;
                try {
                    handler.onPeerDisconnected(p.id);
                } catch (RuntimeException e) {
                    log.warn("[{}] onPeerDisconnected({}) threw", tag, p.id, e);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dialling and peer exchange

    /** A static peer: dialled at start and whenever its connection is lost, with backoff, until close. */
    private void dialForever(PeerAddress address) {
        int failures = 0;
        try {
            while (running) {
                if (selfAddresses.contains(address)) {
                    log.warn("[{}] static peer {} is this node; not dialling it", tag, address);
                    return;
                }
                String id = idsByAddress.get(address);
                if (id != null && peers.containsKey(id)) {
                    // Connected the other way round (it dialled us); check again shortly.
                    Thread.sleep(Backoff.BASE_MS);
                    continue;
                }
                boolean established = dial(address);
                failures = established ? 0 : failures + 1;
                if (failures == 1) {
                    log.info("[{}] static peer {} not connected; re-dialling with backoff up to {} ms", tag, address,
                            Backoff.CAP_MS);
                }
                Thread.sleep(Backoff.delayMs(failures));
            }
        } catch (InterruptedException e) {
            // close() interrupts the diallers; nothing to clean up.
        }
    }

    /** Fills free outbound slots from the address book (timer thread). */
    private void dialLearnt() {
        if (!running) return;
        long slots = config.maxOutbound() - connections.stream().filter(p -> p.outbound).count() - dialling.size();
        if (slots <= 0) return;
        Set<PeerAddress> connected = ConcurrentHashMap.newKeySet();
        for (Peer p : connections) {
            if (p.listen != null) connected.add(p.listen);
            if (p.dialled != null) connected.add(p.dialled);
        }
        connected.addAll(staticAddresses);
        for (PeerAddress a : addressBook.due(nowMs())) {
            if (slots <= 0) break;
            if (selfAddresses.contains(a) || connected.contains(a) || !dialling.add(a)) continue;
            slots--;
            boolean started = spawn("p2p-dial-" + a, () -> {
                if (dial(a)) {
                    addressBook.succeeded(a, nowMs());
                } else {
                    addressBook.failed(a, nowMs());
                }
            });
            if (!started) dialling.remove(a);
        }
    }

    private void onPex(Peer p, PexMessage m) {
        switch (m) {
            case PexMessage.Request r -> {
                List<PeerAddress> known = peers().stream()
                        .filter(i -> !i.id().equals(p.id) && i.listen() != null)
                        .limit(PexMessage.MAX_ADDRESSES)
                        .map(i -> new PeerAddress(i.listen().getHostString(), i.listen().getPort()))
                        .toList();
                enqueue(p, Frame.encode(Channel.PEX.wire(), new PexMessage.Addresses(known).encode()));
            }
            case PexMessage.Addresses a -> {
                int added = 0;
                for (PeerAddress address : a.addresses()) {
                    if (!selfAddresses.contains(address)) {
                        addressBook.add(address);
                        added++;
                    }
                }
                log.debug("[{}] {} address(es) from {}", tag, added, p.id);
                if (added > 0 && running) {
                    try {
                        timer.execute(this::dialLearnt);
                    } catch (RejectedExecutionException e) {
                        // Closing.
                    }
                }
            }
        }
    }

    /** Pings every peer (a silent peer times out on our side after three intervals) and forgets decayed scores. */
    private void keepAlive() {
        byte[] ping = Frame.encode(Frame.CONTROL, new ControlMessage.Ping(ThreadLocalRandom.current().nextLong()).encode());
        for (Peer p : peers.values()) enqueue(p, ping);
        long now = nowMs();
        scores.entrySet().removeIf(e -> !peers.containsKey(e.getKey()) && e.getValue().value(now) == 0);
    }

    private void requestAddresses() {
        if (connections.stream().filter(p -> p.outbound).count() >= config.maxOutbound()) return;
        byte[] request = Frame.encode(Channel.PEX.wire(), new PexMessage.Request().encode());
        for (Peer p : peers.values()) enqueue(p, request);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Starts a tracked virtual thread; false (and nothing started) once closing. */
    private synchronized boolean spawn(String name, Runnable body) {
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
    private static long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing more to do with it.
        }
    }
}
