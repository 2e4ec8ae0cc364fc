package org.cpc.p2p;

import java.io.IOException;

/** A handshake that ended without a connection, and why; the reason is what gets logged. */
final class HandshakeException extends IOException {
    enum Kind {
        /** We refused the peer (other chain, banned, duplicate, ...). */
        REFUSED,
        /** The peer refused us and said why in a goodbye. */
        REFUSED_BY_PEER,
        /** The peer has our own key: we dialled ourselves. */
        SELF,
        /** The peer broke the handshake protocol (a bad signature): banned. */
        VIOLATION
    }

    private final Kind kind;
    private final String peerId;

    HandshakeException(Kind kind, String peerId, String reason) {
        super(reason);
        this.kind = kind;
        this.peerId = peerId;
    }

    Kind kind() {
        return kind;
    }

    /** The id the peer claimed in its hello; null if it sent none. */
    String peerId() {
        return peerId;
    }
}
