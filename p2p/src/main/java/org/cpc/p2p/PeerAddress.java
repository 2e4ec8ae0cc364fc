package org.cpc.p2p;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * An address a node accepts connections on, as peers pass it on: a host (IP literal or DNS name) and a port. Kept
 * unresolved so that a learnt name is looked up when dialled, not when received.
 */
record PeerAddress(String host, int port) implements Comparable<PeerAddress> {
    static final int MAX_HOST_BYTES = 255;

    PeerAddress {
        if (host == null || host.isEmpty() || host.getBytes(StandardCharsets.UTF_8).length > MAX_HOST_BYTES) {
            throw new IllegalArgumentException("host must be 1.." + MAX_HOST_BYTES + " bytes");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }

    static PeerAddress of(InetSocketAddress a) {
        return new PeerAddress(a.getHostString(), a.getPort());
    }

    static PeerAddress read(WireReader r) throws ProtocolViolationException {
        String host = r.string("host", MAX_HOST_BYTES);
        int port = r.u16();
        try {
            return new PeerAddress(host, port);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolationException("address: " + e.getMessage());
        }
    }

    void write(WireWriter w) {
        w.string(host).u16(port);
    }

    /** Resolves the host now (a DNS lookup for a name). */
    InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public int compareTo(PeerAddress o) {
        int c = host.compareTo(o.host);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
