package org.cpc.p2p;

import static org.cpc.p2p.TcpPeerNetwork.nowMs;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's life, accepted or dialled alike: the handshake under a watchdog, registration as the peer of its
 * node id, the read loop that dispatches frames, the writer thread that drains the send queue, and the one
 * {@link #disconnect} every part ends a connection with.
 *
 * <p>Two locks keep the peer table and the node's view consistent, and both are taken only here: the registry lock
 * makes the duplicate and max_inbound checks and the entry in the peer table one step (two handshakes may both have
 * passed admission for the last slot), and each peer's monitor orders the node's onPeerConnected before its
 * onPeerDisconnected, so the node never hears of an end before the start, nor of the end of a peer it never heard of.
 */
final class ConnectionLifecycle {
    /** The network's logger, not this class's: operators and tests follow the p2p lines under one name. */
    private static final Logger log = LoggerFactory.getLogger(TcpPeerNetwork.class);

    private final TcpPeerNetwork net;
    private final Object registry = new Object();

    ConnectionLifecycle(TcpPeerNetwork net) {
        this.net = net;
    }

    /** Runs the handshake, then the read loop, on the calling (virtual) thread; true if the handshake succeeded. */
    boolean serve(Peer p) {
        P2pConfig config = net.config;
        ScheduledFuture<?> watchdog;
        try {
            watchdog = net.timer.schedule(() -> {
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
            result = net.handshake.run(p.in, p.out, peerId -> admission(p, peerId));
        } catch (IOException e) {
            watchdog.cancel(false);
            net.handshakeSlots.release(p);
            handshakeFailed(p, e);
            return false;
        }
        watchdog.cancel(false);
        net.handshakeSlots.release(p);
        if (!register(p, result)) return false;
        readLoop(p);
        return true;
    }

    private String admission(Peer p, String peerId) {
        if (net.bans.isBanned(peerId, nowMs())) return "node " + peerId + " is banned";
        String full = net.inbound.whyFull(p);
        if (full != null) return full;
        Peer existing = net.peers.get(peerId);
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
        boolean weAreLower = net.identity.nodeId().compareTo(peerId) < 0;
        return p.outbound == weAreLower;
    }

    private void handshakeFailed(Peer p, IOException e) {
        long timeoutMs = net.config.handshakeTimeoutMs();
        String why = p.closeReason() != null ? p.closeReason()
                : e instanceof SocketTimeoutException ? "handshake not finished within " + timeoutMs + " ms"
                : e instanceof EOFException ? "connection closed during the handshake"
                : e.getMessage();
        switch (e) {
            case HandshakeException h when h.kind() == HandshakeException.Kind.SELF -> {
                if (p.dialled != null) net.dialler.addSelf(p.dialled);
                log.info("[{}] refused {}: {}", net.tag, p, why);
            }
            case HandshakeException h when h.kind() == HandshakeException.Kind.VIOLATION ->
                    net.ban(h.peerId(), p, "protocol violation in the handshake: " + why);
            case HandshakeException h -> {
                // A static peer that refused us as a duplicate is connected the other way: its dialler waits for
                // that connection to end instead of re-dialling into the same refusal.
                if (h.peerId() != null) net.dialler.found(p.dialled, h.peerId());
                log.info("[{}] refused {}{}: {}", net.tag, p, h.peerId() == null ? "" : " (node " + h.peerId() + ")",
                        why);
            }
            case ProtocolViolationException v -> net.ban(null, p, "protocol violation in the handshake: " + why);
            default -> log.info("[{}] handshake with {} failed: {}", net.tag, p, why);
        }
        disconnect(p, why);
    }

    private boolean register(Peer p, Handshake.Result r) {
        ControlMessage.Hello hello = r.hello();
        p.moniker = hello.moniker();
        p.listen = advertisedAddress(hello.advertise(), p);
        p.connectedAtMs = System.currentTimeMillis();
        synchronized (registry) {
            if (!net.running || p.isClosed()) {
                disconnect(p, "shutting down");
                return false;
            }
            Peer existing = net.peers.get(r.peerId());
            // Checked again under the lock: two handshakes may both have passed admission() for the last slot.
            String full = existing == null ? net.inbound.whyFull(p) : null;
            if (full != null) {
                log.info("[{}] refused {}: {}", net.tag, p, full);
                disconnect(p, full);
                return false;
            }
            if (existing != null) {
                if (!survives(p, r.peerId())) {
                    log.info("[{}] dropped duplicate connection {}; keeping the one dialled by the lower node id",
                            net.tag, p);
                    disconnect(p, "duplicate connection");
                    return false;
                }
                disconnect(existing, "replaced by the connection dialled by the lower node id");
            }
            p.id = r.peerId();
            net.peers.put(p.id, p);
        }
        net.dialler.found(p.dialled, p.id);
        try {
            p.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, 3 * net.config.pingIntervalMs()));
        } catch (IOException e) {
            disconnect(p, e.getMessage());
            return false;
        }
        if (!net.spawn("p2p-out-" + p.id.substring(0, 8), () -> writeLoop(p))) {
            disconnect(p, "shutting down");
            return false;
        }
        log.info("[{}] connected to {} '{}' ({}, remote {}, listening on {})", net.tag, p.id, p.moniker,
                p.outbound ? "outbound" : "inbound", p.remote(), p.listen);
        // Under the peer's monitor so that a disconnect on another thread (a full send queue, a replacing connection)
        // cannot tell the node of the end before it has been told of the start.
        synchronized (p) {
            if (p.isClosed()) return false;
            p.announced = true;
            try {
                net.handler.onPeerConnected(net.info(p, nowMs()));
            } catch (RuntimeException e) {
                log.warn("[{}] onPeerConnected({}) threw", net.tag, p.id, e);
            }
            p.listed = true;
        }
        net.enqueue(p, Frame.encode(Channel.PEX.wire(), new PexMessage.Request().encode()));
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
            while (!p.isClosed()) onFrame(p, Frame.read(p.in, net.config.maxFrameBytes()));
        } catch (ProtocolViolationException e) {
            net.penalize(p.id, Misbehaviour.PROTOCOL_VIOLATION, e.getMessage());
        } catch (SocketTimeoutException e) {
            disconnect(p, "silent for " + 3 * net.config.pingIntervalMs() + " ms");
        } catch (EOFException e) {
            disconnect(p, "connection closed by the peer");
        } catch (IOException e) {
            disconnect(p, e.getMessage());
        }
    }

    private void onFrame(Peer p, Frame f) throws ProtocolViolationException {
        if (!p.withinRate(f.type(), System.nanoTime())) {
            net.penalize(p.id, Misbehaviour.RATE_EXCEEDED, "over " + net.config.maxMessagesPerSecond()
                    + " messages/s on " + (f.type() == Frame.CONTROL ? "control" : Channel.ofWire(f.type())));
            return;
        }
        if (f.type() == Frame.CONTROL) {
            switch (ControlMessage.decode(f.payload())) {
                case ControlMessage.Ping(long nonce) ->
                        net.enqueue(p, Frame.encode(Frame.CONTROL, new ControlMessage.Pong(nonce).encode()));
                case ControlMessage.Pong pong -> { }
                case ControlMessage.Goodbye(String reason) -> disconnect(p, "the peer left: " + reason);
                case ControlMessage.Hello h -> throw new ProtocolViolationException("hello after the handshake");
                case ControlMessage.Auth a -> throw new ProtocolViolationException("auth after the handshake");
            }
            return;
        }
        Channel channel = Channel.ofWire(f.type());
        if (channel == Channel.PEX) {
            net.dialler.onPex(p, PexMessage.decode(f.payload()));
            return;
        }
        if (log.isDebugEnabled()) log.debug("[{}] {} bytes on {} from {}", net.tag, f.payload().length, channel, p.id);
        // A frame read just before a ban or close is dropped: the node has been told the peer is gone.
        if (p.isClosed()) return;
        try {
            net.handler.onMessage(p.id, channel, f.payload());
        } catch (RuntimeException e) {
            log.warn("[{}] the handler threw on a {} message from {}; the connection stays", net.tag, channel, p.id,
                    e);
        }
    }

    /** Removes and closes a connection once; the node hears of it only if it had heard of the peer. */
    void disconnect(Peer p, String reason) {
        if (!p.close(reason)) return;
        net.connections.remove(p);
        net.handshakeSlots.release(p);
        if (p.id != null && net.peers.remove(p.id, p)) {
            log.info("[{}] disconnected from {}: {}", net.tag, p, reason);
            synchronized (p) {
                if (!p.announced) return;
                try {
                    net.handler.onPeerDisconnected(p.id);
                } catch (RuntimeException e) {
                    log.warn("[{}] onPeerDisconnected({}) threw", net.tag, p.id, e);
                }
            }
        }
    }
}
