package org.cpc.p2p;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;

/**
 * The authenticated handshake, run by both sides at once on a fresh connection before any channel traffic:
 * <ol>
 *   <li>each sends a {@link ControlMessage.Hello} (version, chain, genesis, node key, a fresh nonce, ...);</li>
 *   <li>each checks the other's hello and refuses with a {@link ControlMessage.Goodbye} naming the reason;</li>
 *   <li>each signs {@link #signingHash} of the other's nonce and sends it in a {@link ControlMessage.Auth};</li>
 *   <li>each verifies the other's signature over its own nonce.</li>
 * </ol>
 * The peer's fresh nonce makes a recorded signature useless on another connection; both ids and the chain id in the
 * signed hash bind it to this pair on this chain.
 */
final class Handshake {
    static final byte[] DOMAIN = "cpc/p2p/handshake/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Decides, once the peer's id is known (before we sign anything), whether to go on; null to admit. */
    interface Admission {
        String refusal(String peerId);
    }

    record Result(ControlMessage.Hello hello, String peerId) {}

    private final P2pConfig config;
    private final NodeIdentity identity;
    private final PeerAddress advertise;

    Handshake(P2pConfig config, NodeIdentity identity, PeerAddress advertise) {
        this.config = config;
        this.identity = identity;
        this.advertise = advertise;
    }

    /**
     * SHA-256 of {@code DOMAIN | nonce (32) | signer id (20) | verifier id (20) | u16 length | chain id (UTF-8)}.
     * The nonce is the verifier's, so only a live holder of the signer's key can answer it.
     */
    static byte[] signingHash(byte[] verifierNonce, String signerId, String verifierId, String chainId) {
        byte[] chain = chainId.getBytes(StandardCharsets.UTF_8);
        byte[] len = {(byte) (chain.length >>> 8), (byte) chain.length};
        return Sha256.hash(DOMAIN, verifierNonce, Hex.decode(signerId), Hex.decode(verifierId), len, chain);
    }

    Result run(DataInputStream in, OutputStream out, Admission admission) throws IOException {
        byte[] nonce = new byte[ControlMessage.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        send(out, new ControlMessage.Hello(P2pConfig.PROTOCOL_VERSION, config.chainId(), config.genesisHash(),
                identity.publicKey(), nonce, advertise, config.moniker()));
        ControlMessage.Hello hello = switch (receive(in, null)) {
            case ControlMessage.Hello h -> h;
            default -> throw new ProtocolViolationException("expected a hello");
        };
        String peerId = NodeIdentity.idOf(hello.publicKey());
        if (peerId.equals(identity.nodeId())) {
            throw refuse(out, HandshakeException.Kind.SELF, peerId, "connection to ourselves");
        }
        String refusal = check(hello);
        if (refusal == null) refusal = admission.refusal(peerId);
        if (refusal != null) throw refuse(out, HandshakeException.Kind.REFUSED, peerId, refusal);

        send(out, new ControlMessage.Auth(identity.sign(
                signingHash(hello.nonce(), identity.nodeId(), peerId, config.chainId()))));
        ControlMessage.Auth auth = switch (receive(in, peerId)) {
            case ControlMessage.Auth a -> a;
            default -> throw new ProtocolViolationException("expected the handshake signature");
        };
        byte[] expected = signingHash(nonce, peerId, identity.nodeId(), config.chainId());
        if (!Secp256k1.get().verify(hello.publicKey(), expected, auth.signature())) {
            throw refuse(out, HandshakeException.Kind.VIOLATION, peerId, "bad handshake signature");
        }
        return new Result(hello, peerId);
    }

    private String check(ControlMessage.Hello h) {
        if (h.version() != P2pConfig.PROTOCOL_VERSION) {
            return "other protocol version " + h.version() + " (we speak " + P2pConfig.PROTOCOL_VERSION + ")";
        }
        if (!h.chainId().equals(config.chainId())) {
            return "other chain id '" + h.chainId() + "' (we are on '" + config.chainId() + "')";
        }
        if (!h.genesisHash().equals(config.genesisHash())) {
            return "other genesis hash " + h.genesisHash() + " (ours is " + config.genesisHash() + ")";
        }
        return null;
    }

    /** Reads the next handshake message; a goodbye ends the handshake with the peer's reason. */
    private ControlMessage receive(DataInputStream in, String peerId) throws IOException {
        Frame f = Frame.read(in, config.maxFrameBytes());
        if (f.type() != Frame.CONTROL) throw new ProtocolViolationException("channel traffic before the handshake");
        ControlMessage m = ControlMessage.decode(f.payload());
        if (m instanceof ControlMessage.Goodbye(String reason)) {
            throw new HandshakeException(HandshakeException.Kind.REFUSED_BY_PEER, peerId, "refused by peer: " + reason);
        }
        return m;
    }

    private static HandshakeException refuse(OutputStream out, HandshakeException.Kind kind, String peerId,
            String reason) {
        try {
            send(out, new ControlMessage.Goodbye(reason));
        } catch (IOException ignored) {
            // Best effort: the peer may already be gone; the refusal stands and is logged either way.
        }
        return new HandshakeException(kind, peerId, reason);
    }

    static void send(OutputStream out, ControlMessage m) throws IOException {
        out.write(Frame.encode(Frame.CONTROL, m.encode()));
        out.flush();
    }
}
