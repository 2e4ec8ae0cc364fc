package org.cpc.p2p;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * One frame: {@code u32 length (big-endian) | u8 type | payload}, where {@code length} counts the type byte and the
 * payload. The type is {@link #CONTROL} (handshake and keep-alive, internal to this module) or a {@link Channel}'s
 * wire byte.
 *
 * @param type the frame's type byte
 * @param payload the bytes after the type byte
 */
record Frame(int type, byte[] payload) {
    /** Handshake, keep-alive and goodbye messages ({@link ControlMessage}); never given to the node. */
    static final int CONTROL = 0;
    static final int HEADER_BYTES = 5;

    /** The frame's bytes, ready for the socket; encoded once and shared when broadcast. */
    static byte[] encode(int type, byte[] payload) {
        int length = 1 + payload.length;
        byte[] out = new byte[4 + length];
        out[0] = (byte) (length >>> 24);
        out[1] = (byte) (length >>> 16);
        out[2] = (byte) (length >>> 8);
        out[3] = (byte) length;
        out[4] = (byte) type;
        System.arraycopy(payload, 0, out, HEADER_BYTES, payload.length);
        return out;
    }

    /**
     * Reads the next frame. The length is checked before anything is read, so a peer cannot make us reserve more
     * than {@code maxFrameBytes}.
     *
     * @throws ProtocolViolationException for a length of 0 or above {@code maxFrameBytes}, or an unknown type
     * @throws EOFException when the stream ends, including in the middle of a frame
     */
    static Frame read(DataInputStream in, int maxFrameBytes) throws IOException {
        int length = in.readInt();
        if (length < 1 || length > maxFrameBytes) {
            throw new ProtocolViolationException("frame of " + Integer.toUnsignedString(length)
                    + " bytes (limit " + maxFrameBytes + ")");
        }
        int type = in.readUnsignedByte();
        if (type != CONTROL && Channel.ofWire(type) == null) {
            throw new ProtocolViolationException("unknown channel " + type);
        }
        // readNBytes grows its buffer as bytes arrive: a peer that announces 16 MiB and sends 10 bytes makes us hold
        // 10 bytes, not 16 MiB, for each of its connections.
        byte[] payload = in.readNBytes(length - 1);
        if (payload.length != length - 1) throw new EOFException("frame cut short");
        return new Frame(type, payload);
    }
}
