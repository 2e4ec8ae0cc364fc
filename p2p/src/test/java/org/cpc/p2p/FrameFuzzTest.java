package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a connected peer can send: a stream of frames ({@link Frame#read}), each a control message
 * ({@link ControlMessage#decode}), a PEX message ({@link PexMessage#decode}) or a channel payload for the node (those
 * have their own targets in the node module). The contract: a frame, or {@link ProtocolViolationException} /
 * {@link EOFException} — nothing else, and no allocation beyond the bytes that actually arrived. A decoded frame or
 * message re-encodes to the very bytes it came from (one encoding per message).
 */
class FrameFuzzTest {
    static final int MAX_FRAME = 64 * 1024;

    @FuzzTest
    void frames(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        int offset = 0;
        while (true) {
            Frame f;
            try {
                f = Frame.read(in, MAX_FRAME);
            } catch (ProtocolViolationException | EOFException end) {
                return;
            }
            byte[] wire = Frame.encode(f.type(), f.payload());
            assertThat(wire).isEqualTo(Arrays.copyOfRange(data, offset, offset + wire.length));
            offset += wire.length;
            if (f.type() == Frame.CONTROL) {
                controlMessage(f.payload());
            } else if (f.type() == Channel.PEX.wire()) {
                pexMessage(f.payload());
            } else {
                assertThat(Channel.ofWire(f.type())).isNotNull();
            }
        }
    }

    @FuzzTest
    void controlMessage(byte[] payload) {
        ControlMessage m;
        try {
            m = ControlMessage.decode(payload);
        } catch (ProtocolViolationException refused) {
            return;
        }
        byte[] again = m.encode();
        if (m instanceof ControlMessage.Goodbye) {
            // A goodbye's reason is cut to what any reader takes; the cut form is a fixed point.
            assertThat(reencode(again)).isEqualTo(again);
        } else {
            assertThat(again).isEqualTo(payload);
        }
    }

    @FuzzTest
    void pexMessage(byte[] payload) {
        PexMessage m;
        try {
            m = PexMessage.decode(payload);
        } catch (ProtocolViolationException refused) {
            return;
        }
        assertThat(m.encode()).isEqualTo(payload);
    }

    private static byte[] reencode(byte[] payload) {
        try {
            return ControlMessage.decode(payload).encode();
        } catch (ProtocolViolationException e) {
            throw new AssertionError("an encoded control message does not decode: " + e.getMessage(), e);
        }
    }

    // ---- seed corpus ----

    static final byte[] PUB = new byte[33];
    static final byte[] NONCE = new byte[32];

    static {
        PUB[0] = 2;
        for (int i = 1; i < 33; i++) PUB[i] = (byte) i;
        for (int i = 0; i < 32; i++) NONCE[i] = (byte) (0xa0 + i);
    }

    static Map<String, byte[]> controlSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("hello", new ControlMessage.Hello(1, "cpc-devnet-1", "ab".repeat(32), PUB, NONCE,
                new PeerAddress("127.0.0.1", 26656), "node-0").encode());
        s.put("hello-no-address", new ControlMessage.Hello(1, "c", "00", PUB, NONCE, null, "").encode());
        s.put("hello-ipv6-name", new ControlMessage.Hello(7, "cpc-testnet", "", PUB, NONCE,
                new PeerAddress("::1", 1), "ünïcödé").encode());
        s.put("auth", new ControlMessage.Auth(new byte[64]).encode());
        s.put("ping", new ControlMessage.Ping(0x0102030405060708L).encode());
        s.put("pong", new ControlMessage.Pong(-1).encode());
        s.put("goodbye", new ControlMessage.Goodbye("other chain id 'x' (we are on 'y')").encode());
        byte[] longReason = "r".repeat(200).getBytes(StandardCharsets.UTF_8);
        s.put("goodbye-long", cat(new byte[] {5, 0, (byte) longReason.length}, longReason));
        s.put("hello-bad-address-flag", replaceLast(s.get("hello-no-address"), 3, new byte[] {2, 0, 0}));
        s.put("goodbye-not-utf8", new byte[] {5, 0, 2, (byte) 0xc3, 0x28});
        s.put("ping-trailing", cat(new ControlMessage.Ping(1).encode(), new byte[] {0}));
        s.put("unknown-type", new byte[] {9});
        s.put("truncated-hello", Arrays.copyOf(s.get("hello"), 20));
        return s;
    }

    static Map<String, byte[]> pexSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("request", new PexMessage.Request().encode());
        s.put("addresses", new PexMessage.Addresses(List.of(new PeerAddress("10.0.0.1", 26656),
                new PeerAddress("node.example.org", 443), new PeerAddress("::1", 65535))).encode());
        s.put("empty", new PexMessage.Addresses(List.of()).encode());
        s.put("too-many", new byte[] {2, 0, 65});
        s.put("port-zero", new byte[] {2, 0, 1, 0, 1, 'a', 0, 0});
        s.put("empty-host", new byte[] {2, 0, 1, 0, 0, 0, 80});
        return s;
    }

    static Map<String, byte[]> frameSeeds() {
        Map<String, byte[]> s = new LinkedHashMap<>();
        Map<String, byte[]> control = controlSeeds();
        s.put("hello", Frame.encode(Frame.CONTROL, control.get("hello")));
        s.put("ping-pong", cat(Frame.encode(Frame.CONTROL, control.get("ping")),
                Frame.encode(Frame.CONTROL, control.get("pong"))));
        s.put("goodbye", Frame.encode(Frame.CONTROL, control.get("goodbye")));
        s.put("pex", cat(Frame.encode(Channel.PEX.wire(), pexSeeds().get("request")),
                Frame.encode(Channel.PEX.wire(), pexSeeds().get("addresses"))));
        s.put("consensus", Frame.encode(Channel.CONSENSUS.wire(),
                "{\"type\":\"prevote\",\"height\":1}".getBytes(StandardCharsets.UTF_8)));
        s.put("tx-sync", cat(Frame.encode(Channel.TX.wire(), "{}".getBytes(StandardCharsets.UTF_8)),
                Frame.encode(Channel.SYNC.wire(), "{\"type\":\"status\",\"height\":3}".getBytes(StandardCharsets.UTF_8))));
        s.put("zero-length", new byte[] {0, 0, 0, 0});
        s.put("huge-length", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0});
        s.put("over-limit", new byte[] {0, 1, 0, 1, 1});
        s.put("unknown-channel", new byte[] {0, 0, 0, 1, 9});
        s.put("cut-short", new byte[] {0, 0, 0, 10, 1, '{'});
        s.put("header-only", new byte[] {0, 0});
        return s;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] replaceLast(byte[] b, int n, byte[] tail) {
        return cat(Arrays.copyOf(b, b.length - n), tail);
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "frames", frameSeeds());
        FuzzSeeds.write(getClass(), "controlMessage", controlSeeds());
        FuzzSeeds.write(getClass(), "pexMessage", pexSeeds());
    }
}
