package org.cpc.p2p;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the P2P network. Every limit is explicit; defaults in {@link #defaults}.
 *
 * @param chainId must equal the peer's, checked in the handshake
 * @param genesisHash hex SHA-256 of the genesis block; must equal the peer's
 * @param listen where to accept connections ({@code 127.0.0.1:0} picks a free port)
 * @param advertise the address peers should dial us on (given in the handshake and by peer exchange); null = listen
 * @param staticPeers dialled at start and re-dialled with backoff whenever the connection is lost
 * @param moniker a human-readable name sent in the handshake (informative)
 * @param maxInbound most accepted connections
 * @param maxOutbound most dialled connections (static peers and ones learnt by peer exchange)
 * @param maxFrameBytes largest frame accepted; a bigger one is a protocol violation
 * @param sendQueueFrames per-peer bounded send queue; a peer that lets it fill is disconnected
 * @param maxMessagesPerSecond per-peer, per-channel budget (token bucket, burst of one second's worth)
 * @param handshakeTimeoutMs a peer that does not complete the handshake in time is dropped
 * @param pingIntervalMs keep-alive; a peer silent for 3 intervals is dropped
 * @param banScore score at which a peer is banned
 * @param banMs how long a banned peer's id and IP are refused
 * @param pexIntervalMs how often to ask a peer for addresses
 * @param inbound caps on inbound connections per address and on connections still in their handshake
 */
public record P2pConfig(String chainId, String genesisHash, InetSocketAddress listen, InetSocketAddress advertise,
                        List<InetSocketAddress> staticPeers, String moniker, int maxInbound, int maxOutbound,
                        int maxFrameBytes, int sendQueueFrames, int maxMessagesPerSecond, long handshakeTimeoutMs,
                        long pingIntervalMs, int banScore, long banMs, long pexIntervalMs, InboundLimits inbound) {
    /** Wire protocol version, sent in the handshake; a peer with another major version is refused. */
    public static final int PROTOCOL_VERSION = 1;

    public P2pConfig {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(genesisHash, "genesisHash");
        Objects.requireNonNull(listen, "listen");
        staticPeers = List.copyOf(staticPeers);
        if (maxFrameBytes < 1024) throw new IllegalArgumentException("max_frame_bytes must be at least 1024");
        if (maxInbound < 0 || maxOutbound < 0) throw new IllegalArgumentException("peer limits must be >= 0");
        if (sendQueueFrames < 1 || maxMessagesPerSecond < 1 || banScore < 1) {
            throw new IllegalArgumentException("send queue, message rate and ban score must be positive");
        }
        if (handshakeTimeoutMs < 1 || pingIntervalMs < 1 || pexIntervalMs < 1 || banMs < 0) {
            throw new IllegalArgumentException("handshake timeout, ping and PEX intervals must be positive, ban >= 0");
        }
        moniker = moniker == null ? "" : moniker;
        Objects.requireNonNull(inbound, "inbound");
        // The handshake carries these; a peer refuses a hello with longer ones, so refuse them here, at start-up.
        requireUtf8AtMost("chain_id", chainId, ControlMessage.MAX_CHAIN_ID_BYTES);
        requireUtf8AtMost("genesis_hash", genesisHash, ControlMessage.MAX_GENESIS_HASH_BYTES);
        requireUtf8AtMost("moniker", moniker, ControlMessage.MAX_MONIKER_BYTES);
    }

    /** With {@link InboundLimits#DEFAULTS}. */
    public P2pConfig(String chainId, String genesisHash, InetSocketAddress listen, InetSocketAddress advertise,
                     List<InetSocketAddress> staticPeers, String moniker, int maxInbound, int maxOutbound,
                     int maxFrameBytes, int sendQueueFrames, int maxMessagesPerSecond, long handshakeTimeoutMs,
                     long pingIntervalMs, int banScore, long banMs, long pexIntervalMs) {
        this(chainId, genesisHash, listen, advertise, staticPeers, moniker, maxInbound, maxOutbound, maxFrameBytes,
                sendQueueFrames, maxMessagesPerSecond, handshakeTimeoutMs, pingIntervalMs, banScore, banMs,
                pexIntervalMs, InboundLimits.DEFAULTS);
    }

    public P2pConfig withInbound(InboundLimits limits) {
        return new P2pConfig(chainId, genesisHash, listen, advertise, staticPeers, moniker, maxInbound, maxOutbound,
                maxFrameBytes, sendQueueFrames, maxMessagesPerSecond, handshakeTimeoutMs, pingIntervalMs, banScore,
                banMs, pexIntervalMs, limits);
    }

    /**
     * Caps on inbound connections beside {@code max_inbound} (which counts peers past the handshake).
     *
     * <p>A connection in its handshake holds a <em>handshake slot</em>, not one of {@code max_inbound}: strangers
     * that open TCP and never finish (or trickle) a handshake can then fill only the handshake slots, and only for
     * {@code handshake_timeout_ms} each. When all {@code maxHandshaking} slots are taken, a new connection takes the
     * slot of the oldest one that has held it for at least {@code handshakeGraceMs}; if none has, it is refused. So
     * an honest peer whose handshake finishes within the grace cannot be pushed out, and a flood must open more than
     * {@code maxHandshaking} connections per grace period to keep every new peer out.
     *
     * @param maxPerIp inbound connections (handshaking or not) from one non-loopback IP address
     * @param maxHandshaking inbound connections in their handshake, in all (loopback included)
     * @param maxHandshakingPerIp inbound connections in their handshake from one non-loopback IP address
     * @param handshakeGraceMs how long a handshake slot is safe from being taken by a newer connection
     */
    public record InboundLimits(int maxPerIp, int maxHandshaking, int maxHandshakingPerIp, long handshakeGraceMs) {
        public static final InboundLimits DEFAULTS = new InboundLimits(8, 16, 4, 1_000);

        public InboundLimits {
            if (maxPerIp < 1 || maxHandshaking < 1 || maxHandshakingPerIp < 1) {
                throw new IllegalArgumentException("p2p_max_inbound_per_ip, p2p_max_handshaking and "
                        + "p2p_max_handshaking_per_ip must be at least 1");
            }
            if (maxHandshakingPerIp > maxHandshaking) {
                throw new IllegalArgumentException("p2p_max_handshaking_per_ip (" + maxHandshakingPerIp
                        + ") must not exceed p2p_max_handshaking (" + maxHandshaking + ")");
            }
            if (handshakeGraceMs < 0) throw new IllegalArgumentException("the handshake grace must be >= 0");
        }
    }

    private static void requireUtf8AtMost(String field, String value, int maxBytes) {
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > maxBytes) {
            throw new IllegalArgumentException(field + " must be at most " + maxBytes + " bytes of UTF-8");
        }
    }

    public static P2pConfig defaults(String chainId, String genesisHash, InetSocketAddress listen,
            List<InetSocketAddress> staticPeers, String moniker) {
        return new P2pConfig(chainId, genesisHash, listen, null, staticPeers, moniker, 40, 10, 16 * 1024 * 1024,
                4096, 5000, 5_000, 10_000, 100, 10 * 60_000, 30_000);
    }
}
