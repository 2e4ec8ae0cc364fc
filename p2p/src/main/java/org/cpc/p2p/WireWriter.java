package org.cpc.p2p;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writing of control and PEX messages, the counterpart of {@link WireReader}. */
final class WireWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    WireWriter u8(int v) {
        out.write(v);
        return this;
    }

    WireWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    WireWriter u32(int v) {
        return u16(v >>> 16).u16(v & 0xffff);
    }

    WireWriter u64(long v) {
        return u32((int) (v >>> 32)).u32((int) v);
    }

    WireWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Callers keep strings within the limits the reader enforces (see the message records' constructors). */
    WireWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xffff) throw new IllegalArgumentException("string over 65535 bytes");
        return u16(b.length).bytes(b);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
