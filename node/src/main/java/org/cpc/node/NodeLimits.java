package org.cpc.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.cpc.http.HttpService;
import org.cpc.p2p.P2pConfig;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * The connection caps of a node that an operator may change in {@code node.json} (every field optional; the
 * defaults are {@link #DEFAULTS}). See docs/operations.md ("Connection limits").
 *
 * @param httpMaxConnections REST connections in all (WebSocket and SSE included)
 * @param httpMaxConnectionsPerIp REST connections from one IP address
 * @param sseMaxStreams {@code GET /events} streams in all
 * @param sseMaxStreamsPerIp {@code GET /events} streams from one IP address
 * @param p2pMaxInboundPerIp inbound P2P connections from one non-loopback IP address
 * @param p2pMaxHandshaking inbound P2P connections in their handshake, in all
 * @param p2pMaxHandshakingPerIp inbound P2P connections in their handshake from one non-loopback IP address
 */
public record NodeLimits(int httpMaxConnections, int httpMaxConnectionsPerIp, int sseMaxStreams,
                         int sseMaxStreamsPerIp, int p2pMaxInboundPerIp, int p2pMaxHandshaking,
                         int p2pMaxHandshakingPerIp) {
    public static final NodeLimits DEFAULTS = new NodeLimits(HttpService.ConnectionLimits.DEFAULTS.maxConnections(),
            HttpService.ConnectionLimits.DEFAULTS.maxConnectionsPerIp(), 256, 32,
            P2pConfig.InboundLimits.DEFAULTS.maxPerIp(), P2pConfig.InboundLimits.DEFAULTS.maxHandshaking(),
            P2pConfig.InboundLimits.DEFAULTS.maxHandshakingPerIp());
    /** Far above what one process can serve; a bigger number is a typo. */
    public static final int MAX = 1_000_000;
    static final Set<String> FIELDS = Set.of("http_max_connections", "http_max_connections_per_ip",
            "sse_max_streams", "sse_max_streams_per_ip", "p2p_max_inbound_per_ip", "p2p_max_handshaking",
            "p2p_max_handshaking_per_ip");

    public NodeLimits {
        range("http_max_connections", httpMaxConnections);
        range("http_max_connections_per_ip", httpMaxConnectionsPerIp);
        range("sse_max_streams", sseMaxStreams);
        range("sse_max_streams_per_ip", sseMaxStreamsPerIp);
        range("p2p_max_inbound_per_ip", p2pMaxInboundPerIp);
        range("p2p_max_handshaking", p2pMaxHandshaking);
        range("p2p_max_handshaking_per_ip", p2pMaxHandshakingPerIp);
        atMost("http_max_connections_per_ip", httpMaxConnectionsPerIp, "http_max_connections", httpMaxConnections);
        atMost("sse_max_streams_per_ip", sseMaxStreamsPerIp, "sse_max_streams", sseMaxStreams);
        atMost("p2p_max_handshaking_per_ip", p2pMaxHandshakingPerIp, "p2p_max_handshaking", p2pMaxHandshaking);
    }

    private static void range(String field, int value) {
        if (value < 1 || value > MAX) throw new IllegalArgumentException(field + " must be 1.." + MAX + ", not " + value);
    }

    private static void atMost(String field, int value, String totalField, int total) {
        if (value > total) {
            throw new IllegalArgumentException(field + " (" + value + ") must not exceed " + totalField + " (" + total + ")");
        }
    }

    /** The REST server's caps (idle timeout and header size as {@link HttpService.ConnectionLimits#DEFAULTS}). */
    public HttpService.ConnectionLimits http() {
        HttpService.ConnectionLimits d = HttpService.ConnectionLimits.DEFAULTS;
        return new HttpService.ConnectionLimits(httpMaxConnections, httpMaxConnectionsPerIp, d.idleTimeoutMs(),
                d.maxRequestHeaderBytes());
    }

    /** The P2P network's inbound caps (the handshake grace as {@link P2pConfig.InboundLimits#DEFAULTS}). */
    public P2pConfig.InboundLimits p2p() {
        return new P2pConfig.InboundLimits(p2pMaxInboundPerIp, p2pMaxHandshaking, p2pMaxHandshakingPerIp,
                P2pConfig.InboundLimits.DEFAULTS.handshakeGraceMs());
    }

    /** Reads the limits from {@code node.json}'s fields; a missing field keeps its default. */
    static NodeLimits read(JsonFields f) {
        return new NodeLimits(get(f, "http_max_connections", DEFAULTS.httpMaxConnections),
                get(f, "http_max_connections_per_ip", DEFAULTS.httpMaxConnectionsPerIp),
                get(f, "sse_max_streams", DEFAULTS.sseMaxStreams),
                get(f, "sse_max_streams_per_ip", DEFAULTS.sseMaxStreamsPerIp),
                get(f, "p2p_max_inbound_per_ip", DEFAULTS.p2pMaxInboundPerIp),
                get(f, "p2p_max_handshaking", DEFAULTS.p2pMaxHandshaking),
                get(f, "p2p_max_handshaking_per_ip", DEFAULTS.p2pMaxHandshakingPerIp));
    }

    private static int get(JsonFields f, String field, int dflt) {
        Long v = f.optionalUint(field);
        return v == null ? dflt : (int) Math.min(v, Integer.MAX_VALUE);
    }

    void write(ObjectNode o) {
        RecordJson.of(NodeLimits.class).writeInto(o, this);
    }
}
