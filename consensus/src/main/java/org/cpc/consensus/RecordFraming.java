package org.cpc.consensus;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Length + CRC framing for append-only record files (the consensus WAL, the evidence log):
 * {@code [u32 length][u32 CRC-32C of payload][payload]}, big-endian, back to back.
 *
 * <p>Reading tells a torn tail from corruption: a crash in the middle of an append leaves a last record that is
 * short (header or payload cut off) or, where the file system extended the file before the data landed, ends
 * exactly at end of file with a wrong CRC. Such a tail is dropped with a warning. A bad record with more data
 * after it cannot come from a crash during an append: that is corruption, an error naming the file and offset.
 */
public final class RecordFraming {
    public static final int HEADER = 8;

    private RecordFraming() {}

    /**
     * The records read and where the valid data ends ({@code tornTail} says what was dropped, or null;
     * {@code tailChecksumFailed} when it was a whole last record with a wrong CRC rather than a short one).
     */
    public record Scan(List<byte[]> records, long validLength, String tornTail, boolean tailChecksumFailed) {}

    public static byte[] frame(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length);
        b.putInt(payload.length);
        b.putInt(crc(payload, 0, payload.length));
        b.put(payload);
        return b.array();
    }

    /**
     * @param name the file's name, for messages
     * @param maxRecord largest payload accepted; a larger length field is corruption (or a torn header at the end)
     * @throws IllegalStateException on corruption before the end, naming {@code name} and the offset
     */
    public static Scan scan(byte[] data, String name, int maxRecord) {
        List<byte[]> records = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(data);
        int pos = 0;
        while (pos < data.length) {
            int left = data.length - pos;
            if (left < HEADER) return new Scan(records, pos, left + " bytes of a record header at offset " + pos, false);
            int len = b.getInt(pos);
            int crc = b.getInt(pos + 4);
            if (len < 0 || len > maxRecord) {
                throw new IllegalStateException(name + ": corrupt record at offset " + pos + " (length " + len
                        + " outside 0.." + maxRecord + ")");
            }
            if (left - HEADER < len) {
                return new Scan(records, pos, "a record of " + len + " bytes cut off at offset " + pos, false);
            }
            if (crc(data, pos + HEADER, len) != crc) {
                if (pos + HEADER + len == data.length) {
                    return new Scan(records, pos, "a last record with a bad checksum at offset " + pos, true);
                }
                throw new IllegalStateException(name + ": corrupt record at offset " + pos + " (checksum mismatch,"
                        + " " + (data.length - pos - HEADER - len) + " bytes follow it)");
            }
            byte[] payload = new byte[len];
            System.arraycopy(data, pos + HEADER, payload, 0, len);
            records.add(payload);
            pos += HEADER + len;
        }
        return new Scan(records, pos, null, false);
    }

    private static int crc(byte[] data, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(data, off, len);
        return (int) c.getValue();
    }
}
