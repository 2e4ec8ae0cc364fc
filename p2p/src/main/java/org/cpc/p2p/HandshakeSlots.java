package org.cpc.p2p;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handshake slots of inbound connections ({@link P2pConfig.InboundLimits}): a connection takes one when it is
 * accepted and gives it back when its handshake ends, either way. The slots are few and held at most for the
 * handshake timeout, so connections that never finish a handshake cannot keep honest peers out for long; when all
 * are taken, the oldest slot held for at least the grace goes to the newcomer.
 *
 * <p>Loopback addresses are exempt from the per-address cap (on a single-machine network every peer is 127.0.0.1),
 * not from the total.
 */
final class HandshakeSlots {
    /** What to do with a newly accepted connection. */
    sealed interface Decision {
        /** It holds a slot now; {@code evicted} (or null) lost its slot to it and is to be closed. */
        record Admit(Peer evicted) implements Decision {}

        /** No slot for it; {@code reason} is told to it. */
        record Refuse(String reason) implements Decision {}
    }

    private final P2pConfig.InboundLimits limits;
    /** Connections holding a slot, oldest first, with the monotonic time they took it. */
    private final LinkedHashMap<Peer, Long> held = new LinkedHashMap<>();

    HandshakeSlots(P2pConfig.InboundLimits limits) {
        this.limits = limits;
    }

    synchronized Decision take(Peer p, long nowMs) {
        InetAddress ip = p.ip();
        if (!ip.isLoopbackAddress()) {
            long fromIp = held.keySet().stream().filter(o -> ip.equals(o.ip())).count();
            if (fromIp >= limits.maxHandshakingPerIp()) {
                return new Decision.Refuse("too many handshakes in progress from " + ip.getHostAddress()
                        + " (at most " + limits.maxHandshakingPerIp() + " per address)");
            }
        }
        Peer evicted = null;
        if (held.size() >= limits.maxHandshaking()) {
            Iterator<Map.Entry<Peer, Long>> oldest = held.entrySet().iterator();
            Map.Entry<Peer, Long> e = oldest.next();
            if (nowMs - e.getValue() < limits.handshakeGraceMs()) {
                return new Decision.Refuse("too many handshakes in progress (p2p_max_handshaking "
                        + limits.maxHandshaking() + ")");
            }
            evicted = e.getKey();
            oldest.remove();
        }
        held.put(p, nowMs);
        return new Decision.Admit(evicted);
    }

    /** The handshake of {@code p} ended (admitted, refused or failed); a no-op when it held no slot. */
    synchronized void release(Peer p) {
        held.remove(p);
    }

    synchronized int held() {
        return held.size();
    }
}
