package org.cpc.p2p;

import static org.cpc.p2p.TcpPeerNetwork.closeQuietly;
import static org.cpc.p2p.TcpPeerNetwork.nowMs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect in ({@link P2pConfig.InboundLimits}, max_inbound). Opening connections costs a stranger nothing,
 * so most of this is decided on the accept thread before a connection gets a thread: a banned IP, or one over its
 * per-address cap, is refused at once with a Goodbye that says why; the rest need one of the few handshake slots
 * ({@link HandshakeSlots}). Only once the handshake names the node does it take one of max_inbound
 * ({@link #whyFull}, asked by {@link ConnectionLifecycle} at the handshake and again at registration).
 */
final class InboundAdmission {
    /** The network's logger, not this class's: operators and tests follow the p2p lines under one name. */
    private static final Logger log = LoggerFactory.getLogger(TcpPeerNetwork.class);

    private final TcpPeerNetwork net;
    /** Refusals since the last logged one, and when that was (accept thread only). */
    private int refusedSinceLog;
    private long lastRefusalLogNs;

    InboundAdmission(TcpPeerNetwork net) {
        this.net = net;
    }

    /** The accept thread's loop, until close. */
    void acceptLoop(ServerSocket server) {
        P2pConfig config = net.config;
        while (net.running) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (net.running) log.warn("[{}] accept failed: {}", net.tag, e.getMessage());
                continue;
            }
            if (net.bans.isBanned(s.getInetAddress(), nowMs())) {
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
            p = new Peer(s, false, null, net.config);
        } catch (IOException e) {
            closeQuietly(s);
            return;
        }
        switch (net.handshakeSlots.take(p, nowMs())) {
            case HandshakeSlots.Decision.Refuse(String reason) -> refuseEarly(s, reason);
            case HandshakeSlots.Decision.Admit(Peer evicted) -> {
                if (evicted != null) {
                    net.lifecycle.disconnect(evicted, "its handshake slot went to a newer connection (all "
                            + net.config.inbound().maxHandshaking() + " taken)");
                }
                net.connections.add(p);
                if (!net.spawn("p2p-in-" + s.getRemoteSocketAddress(), () -> net.lifecycle.serve(p))) {
                    net.lifecycle.disconnect(p, "shutting down");
                }
            }
        }
    }

    /** Why an inbound peer past the handshake cannot be kept: all of max_inbound taken; null when it can. */
    String whyFull(Peer p) {
        if (p.outbound) return null;
        long established = net.peers.values().stream().filter(o -> !o.outbound).count();
        return established >= net.config.maxInbound()
                ? "too many inbound connections (max_inbound " + net.config.maxInbound() + ")" : null;
    }

    private long inboundFrom(InetAddress ip) {
        return net.connections.stream().filter(p -> !p.outbound && ip.equals(p.ip())).count();
    }

    /** Refuses a connection before its handshake, telling it why (a write of a few bytes to a fresh socket). */
    private void refuseEarly(Socket s, String reason) {
        // On the accept thread only. One line per 10 s at most: a flood of connects must not become a flood of logs.
        refusedSinceLog++;
        long now = System.nanoTime();
        if (lastRefusalLogNs == 0 || now - lastRefusalLogNs >= TimeUnit.SECONDS.toNanos(10)) {
            log.info("[{}] refused connection from {}: {}{}", net.tag, s.getRemoteSocketAddress(), reason,
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
}
