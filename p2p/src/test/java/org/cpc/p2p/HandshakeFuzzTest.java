package org.cpc.p2p;

import static org.assertj.core.api.Assertions.fail;
import static org.cpc.p2p.FrameFuzzTest.NONCE;
import static org.cpc.p2p.FrameFuzzTest.cat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The whole handshake ({@link Handshake#run}) against a peer whose bytes are the fuzzer's: hellos with any fields,
 * any public key (valid or not a curve point), signatures, goodbyes, frames out of order. The contract: it ends in an
 * {@link IOException} ({@link HandshakeException}, {@link ProtocolViolationException}, {@link EOFException}) — the
 * only thing the connection code catches — and never admits a peer, since no input here can sign our fresh nonce.
 */
class HandshakeFuzzTest {
    static final String CHAIN = "cpc-fuzz-1";
    static final String GENESIS = "ab".repeat(32);
    /** Fixed keys, so that the committed seeds (a hello with our own key, a peer's signature) mean the same each run. */
    static final NodeIdentity US = identity(1);
    static final P2pConfig CONFIG = P2pConfig.defaults(CHAIN, GENESIS, new InetSocketAddress("127.0.0.1", 0),
            List.of(), "fuzz");

    @FuzzTest
    void handshake(byte[] peerBytes) throws IOException {
        Handshake h = new Handshake(CONFIG, US, new PeerAddress("127.0.0.1", 26656));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(peerBytes));
        Handshake.Result r;
        try {
            r = h.run(in, OutputStream.nullOutputStream(), peerId -> peerId.startsWith("00") ? "banned" : null);
        } catch (HandshakeException | ProtocolViolationException | EOFException refused) {
            return;
        }
        fail("admitted peer " + r.peerId() + " without a signature over our nonce");
    }

    // ---- seed corpus ----

    static Map<String, byte[]> seeds() {
        NodeIdentity peer = identity(2);
        byte[] hello = Frame.encode(Frame.CONTROL, new ControlMessage.Hello(P2pConfig.PROTOCOL_VERSION, CHAIN,
                GENESIS, peer.publicKey(), NONCE, new PeerAddress("10.1.2.3", 26656), "peer").encode());
        // A real signature, of another nonce than ours: the right shape, refused as a bad handshake signature.
        byte[] auth = Frame.encode(Frame.CONTROL, new ControlMessage.Auth(peer.sign(
                Handshake.signingHash(NONCE, peer.nodeId(), US.nodeId(), CHAIN))).encode());
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("hello-auth", cat(hello, auth));
        s.put("hello-only", hello);
        s.put("hello-other-chain", Frame.encode(Frame.CONTROL, new ControlMessage.Hello(P2pConfig.PROTOCOL_VERSION,
                "cpc-other", GENESIS, peer.publicKey(), NONCE, null, "").encode()));
        s.put("hello-other-version", Frame.encode(Frame.CONTROL, new ControlMessage.Hello(2, CHAIN, GENESIS,
                peer.publicKey(), NONCE, null, "").encode()));
        s.put("hello-ourselves", Frame.encode(Frame.CONTROL, new ControlMessage.Hello(P2pConfig.PROTOCOL_VERSION,
                CHAIN, GENESIS, US.publicKey(), NONCE, null, "").encode()));
        byte[] notAPoint = new byte[33];
        notAPoint[0] = 5;
        s.put("hello-bad-key-auth", cat(Frame.encode(Frame.CONTROL, new ControlMessage.Hello(
                P2pConfig.PROTOCOL_VERSION, CHAIN, GENESIS, notAPoint, NONCE, null, "").encode()), auth));
        s.put("goodbye", Frame.encode(Frame.CONTROL, new ControlMessage.Goodbye("busy").encode()));
        s.put("ping-first", Frame.encode(Frame.CONTROL, new ControlMessage.Ping(1).encode()));
        s.put("hello-ping", cat(hello, Frame.encode(Frame.CONTROL, new ControlMessage.Ping(1).encode())));
        s.put("channel-first", Frame.encode(Channel.TX.wire(), "{}".getBytes(StandardCharsets.UTF_8)));
        s.put("hello-goodbye", cat(hello, Frame.encode(Frame.CONTROL, new ControlMessage.Goodbye("no").encode())));
        return s;
    }

    /** The identity of private key {@code fill}^32 (the constructor is private: only keyrings make identities). */
    static NodeIdentity identity(int fill) {
        try {
            var c = NodeIdentity.class.getDeclaredConstructor(byte[].class);
            c.setAccessible(true);
            byte[] priv = new byte[32];
            java.util.Arrays.fill(priv, (byte) fill);
            return c.newInstance((Object) priv);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "handshake", seeds());
    }
}
