package org.cpc.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The frame codec and the control and PEX messages: what is written reads back, and nothing else is accepted. */
class WireProperties {
    private static final int MAX = 4096;

    @Property(tries = 300)
    void framesRoundTrip(@ForAll @Size(max = MAX - 1) byte[] payload, @ForAll @IntRange(min = 0, max = 4) int type)
            throws Exception {
        byte[] bytes = Frame.encode(type, payload);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        Frame f = Frame.read(in, MAX);
        assertThat(f.type()).isEqualTo(type);
        assertThat(f.payload()).isEqualTo(payload);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Property(tries = 300)
    void aTruncatedFrameIsRefused(@ForAll @Size(max = 300) byte[] payload, @ForAll @IntRange(min = 0, max = 304) int cut) {
        byte[] bytes = Frame.encode(Channel.TX.wire(), payload);
        byte[] truncated = Arrays.copyOf(bytes, Math.min(cut, bytes.length - 1));
        assertThatThrownBy(() -> Frame.read(new DataInputStream(new ByteArrayInputStream(truncated)), MAX))
                .isInstanceOf(EOFException.class);
    }

    @Property(tries = 100)
    void oversizedEmptyOrUnknownFramesAreViolations(@ForAll @IntRange(min = 6, max = 255) int type,
            @ForAll @IntRange(min = MAX + 1) int length) {
        assertThatThrownBy(() -> read(new byte[] {0, 0, 0, 1, (byte) type})).isInstanceOf(ProtocolViolationException.class)
                .hasMessage("unknown channel " + type);
        byte[] big = {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length, 1};
        assertThatThrownBy(() -> read(big)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("frame of " + length + " bytes");
        assertThatThrownBy(() -> read(new byte[] {0, 0, 0, 0})).isInstanceOf(ProtocolViolationException.class);
    }

    private static Frame read(byte[] bytes) throws Exception {
        return Frame.read(new DataInputStream(new ByteArrayInputStream(bytes)), MAX);
    }

    @Provide
    Arbitrary<PeerAddress> addresses() {
        return Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(40), Arbitraries.integers().between(1, 65535))
                .as(PeerAddress::new);
    }

    @Provide
    Arbitrary<List<PeerAddress>> addressLists() {
        return addresses().list().ofMaxSize(PexMessage.MAX_ADDRESSES);
    }

    @Provide
    Arbitrary<ControlMessage> controlMessages() {
        Arbitrary<byte[]> b32 = Arbitraries.bytes().array(byte[].class).ofSize(32);
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(20);
        Arbitrary<ControlMessage> hello = Combinators.combine(Arbitraries.integers(), text, text, b32,
                addresses().injectNull(0.3), text).as((v, chain, genesis, nonce, addr, moniker) -> {
                    byte[] pub = NodeIdentity.generate().publicKey();
                    return new ControlMessage.Hello(v, chain, genesis, pub, nonce, addr, moniker);
                });
        return Arbitraries.oneOf(hello,
                Arbitraries.bytes().array(byte[].class).ofSize(64).map(ControlMessage.Auth::new),
                Arbitraries.longs().map(ControlMessage.Ping::new),
                Arbitraries.longs().map(ControlMessage.Pong::new),
                Arbitraries.strings().ofMaxLength(300).map(ControlMessage.Goodbye::new));
    }

    @Property(tries = 200)
    void controlMessagesRoundTripAndRefuseTruncationAndTrailingBytes(@ForAll("controlMessages") ControlMessage m)
            throws Exception {
        byte[] bytes = m.encode();
        ControlMessage back = ControlMessage.decode(bytes);
        // Records with arrays compare arrays by identity: compare the encodings instead.
        assertThat(back.encode()).isEqualTo(bytes);
        assertThat(back.getClass()).isEqualTo(m.getClass());
        assertThatThrownBy(() -> ControlMessage.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> ControlMessage.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Property(tries = 100)
    void pexMessagesRoundTrip(@ForAll("addressLists") List<PeerAddress> list) throws Exception {
        PexMessage.Addresses m = new PexMessage.Addresses(list);
        assertThat(PexMessage.decode(m.encode())).isEqualTo(m);
        assertThat(PexMessage.decode(new PexMessage.Request().encode())).isEqualTo(new PexMessage.Request());
    }

    @Property(tries = 50)
    void aPexAnswerOverTheLimitIsAViolation(@ForAll @IntRange(min = PexMessage.MAX_ADDRESSES + 1, max = 65535) int n) {
        byte[] header = {2, (byte) (n >>> 8), (byte) n};
        assertThatThrownBy(() -> PexMessage.decode(header)).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining(n + " addresses");
    }
}
