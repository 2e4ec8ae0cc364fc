package org.cpc.p2p;

import java.net.InetSocketAddress;

/**
 * A connected peer, as {@code GET /peers} and {@code GET /status} show it.
 *
 * @param id the peer's node id: lowercase hex of the first 20 bytes of SHA-256 of its compressed secp256k1 node
 *     public key, proven in the handshake
 * @param remote the socket address of the connection
 * @param listen the address the peer says it accepts connections on (what peer exchange passes on); null if none
 * @param outbound whether we dialled it
 * @param connectedAtMs wall-clock time of the handshake
 * @param score current misbehaviour score (0 = clean)
 * @param moniker the peer's human-readable name (e.g. its validator address), informative only
 */
public record PeerInfo(String id, InetSocketAddress remote, InetSocketAddress listen, boolean outbound,
                       long connectedAtMs, int score, String moniker) {}
