package org.cpc.compute.infer;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

/**
 * Reads one protobuf message's fields from a byte range, checking every length against what is left: a truncated
 * or lying file ends in an {@link OnnxException}, never in an out-of-bounds read or a huge allocation. Nested
 * messages are read by a new reader over the sub-range, so the depth is whatever the caller's code nests
 * (the ONNX reader nests a fixed five levels and skips the fields that could recurse).
 *
 * <p>Usage: {@code while (r.next()) switch (r.field()) { case 1 -> r.string(); default -> r.skip(); }}.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private final String what;
    private int pos;
    private int field;
    private int wireType;

    /** Reads {@code buf[offset, offset + length)} as the message {@code what} (for error messages). */
    ProtoReader(byte[] buf, int offset, int length, String what) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new OnnxException(what + ": range " + offset + "+" + length + " outside " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        this.what = what;
    }

    /** Moves to the next field; false at the end of the message. */
    boolean next() {
        if (pos == end) return false;
        long key = varint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field == 0 || key >>> 3 > Integer.MAX_VALUE) throw fail("invalid field number " + (key >>> 3));
        return true;
    }

    int field() {
        return field;
    }

    /** Skips the current field's value, whatever its wire type (groups, wire types 3 and 4, are refused). */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(length());
            case FIXED32 -> advance(4);
            default -> throw fail("field " + field + " has unsupported wire type " + wireType);
        }
    }

    long int64() {
        expect(VARINT);
        return varint();
    }

    /** An int32 field: protobuf writes negative ones as 10-byte varints of the sign-extended value. */
    int int32() {
        long v = int64();
        if (v != (int) v) throw fail("field " + field + " value " + v + " does not fit int32");
        return (int) v;
    }

    float float32() {
        expect(FIXED32);
        return Float.intBitsToFloat(fixed32());
    }

    String string() {
        int n = length();
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            String s = decoder.decode(ByteBuffer.wrap(buf, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw fail("field " + field + " is not valid UTF-8");
        }
    }

    byte[] bytes() {
        int n = length();
        byte[] out = java.util.Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** The current length-delimited field as a reader of its own, for a nested message. */
    ProtoReader message(String name) {
        int n = length();
        ProtoReader sub = new ProtoReader(buf, pos, n, what + "." + name);
        pos += n;
        return sub;
    }

    /** Appends a repeated varint field's values, packed (one length-delimited run) or not (one value). */
    void varints(LongList into) {
        if (wireType == VARINT) {
            into.add(varint());
            return;
        }
        int stop = pos + length();
        while (pos < stop) into.add(varint());
        if (pos != stop) throw fail("packed field " + field + " overruns its length");
    }

    /** Appends a repeated fixed32 field's raw values (floats), packed or not. */
    void fixed32s(LongList into) {
        if (wireType == FIXED32) {
            into.add(fixed32());
            return;
        }
        int n = length();
        if (n % 4 != 0) throw fail("packed fixed32 field " + field + " has " + n + " bytes, not a multiple of 4");
        for (int i = 0; i < n / 4; i++) into.add(fixed32());
    }

    OnnxException fail(String message) {
        return new OnnxException("malformed protobuf in " + what + ": " + message);
    }

    private void expect(int type) {
        if (wireType != type) throw fail("field " + field + " has wire type " + wireType + ", expected " + type);
    }

    private int length() {
        expect(LENGTH_DELIMITED);
        long n = varint();
        if (n < 0 || n > end - pos) throw fail("field " + field + " claims " + n + " bytes, " + (end - pos) + " left");
        return (int) n;
    }

    private void advance(int n) {
        if (n > end - pos) throw fail("field " + field + " needs " + n + " bytes, " + (end - pos) + " left");
        pos += n;
    }

    private int fixed32() {
        advance(4);
        return (buf[pos - 4] & 0xff) | (buf[pos - 3] & 0xff) << 8 | (buf[pos - 2] & 0xff) << 16 | (buf[pos - 1] & 0xff) << 24;
    }

    /** At most ten bytes; the tenth may only carry the top bit. */
    private long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos == end) throw fail("truncated varint");
            int b = buf[pos++] & 0xff;
            if (shift == 63 && b > 1) throw fail("varint longer than 64 bits");
            v |= (long) (b & 0x7f) << shift;
            if (b < 0x80) return v;
        }
        throw fail("varint longer than 10 bytes");
    }

    /** A growable list of longs, so repeated numeric fields do not box. */
    static final class LongList {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) values = java.util.Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
