package org.cpc.p2p;

import java.io.IOException;

/**
 * The peer broke the wire protocol (oversized or empty frame, unknown channel, malformed control or PEX message,
 * traffic before the handshake, a bad handshake signature). An {@link IOException} so the reader loop handles it
 * where it handles a broken connection, but the network also bans the peer for it.
 */
final class ProtocolViolationException extends IOException {
    ProtocolViolationException(String message) {
        super(message);
    }
}
