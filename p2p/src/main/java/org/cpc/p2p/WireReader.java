package org.cpc.p2p;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Bounds-checked reading of a control or PEX message; anything short, long or malformed is a protocol violation. */
final class WireReader {
    private final ByteBuffer buf;
    private final String what;

    WireReader(byte[] bytes, String what) {
        this.buf = ByteBuffer.wrap(bytes);
        this.what = what;
    }

    int u8() throws ProtocolViolationException {
        need(1);
        return buf.get() & 0xff;
    }

    int u16() throws ProtocolViolationException {
        need(2);
        return buf.getShort() & 0xffff;
    }

    int u32() throws ProtocolViolationException {
        need(4);
        return buf.getInt();
    }

    long u64() throws ProtocolViolationException {
        need(8);
        return buf.getLong();
    }

    byte[] bytes(int n) throws ProtocolViolationException {
        need(n);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    /** A u16-length-prefixed UTF-8 string of at most {@code maxBytes} bytes. */
    String string(String field, int maxBytes) throws ProtocolViolationException {
        int n = u16();
        if (n > maxBytes) throw new ProtocolViolationException(what + ": " + field + " over " + maxBytes + " bytes");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes(n))).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolViolationException(what + ": " + field + " is not UTF-8");
        }
    }

    /** Trailing bytes would let two encodings mean one message; refused. */
    void end() throws ProtocolViolationException {
        if (buf.hasRemaining()) throw new ProtocolViolationException(what + ": " + buf.remaining() + " trailing bytes");
    }

    private void need(int n) throws ProtocolViolationException {
        if (buf.remaining() < n) throw new ProtocolViolationException(what + " is truncated");
    }
}
