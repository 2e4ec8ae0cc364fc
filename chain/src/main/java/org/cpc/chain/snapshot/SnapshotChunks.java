package org.cpc.chain.snapshot;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.chain.exec.StateWrite;

/**
 * The bytes of a snapshot chunk: state entries in store order (key space byte, then tree key), each
 * {@code u8 key space | 32 B tree key | u32_be value length | value}, nothing else. Entries never straddle chunks,
 * and across a snapshot they are strictly increasing, so a chunk that repeats, reorders or drops an entry is refused
 * even before the state root would be.
 */
public final class SnapshotChunks {
    /** The smallest chunk size a node accepts to take snapshots with (bounds the count of chunks). */
    public static final int MIN_CHUNK_BYTES = 1024;
    /** No state value is larger than this (the largest, a task's payload, is bounded by max_tx_bytes). */
    public static final int MAX_VALUE_BYTES = 4 << 20;
    static final int ENTRY_OVERHEAD = 1 + 32 + 4;

    private SnapshotChunks() {}

    /** Builds chunks entry by entry and hands each over when the next entry would not fit. */
    public static final class Writer {
        private final int chunkBytes;
        private final java.util.function.Consumer<byte[]> sink;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private long entries;
        private int chunks;

        public Writer(int chunkBytes, java.util.function.Consumer<byte[]> sink) {
            if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes > SnapshotManifest.MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException("snapshot chunk size must be " + MIN_CHUNK_BYTES + ".."
                        + SnapshotManifest.MAX_CHUNK_BYTES + " bytes; got " + chunkBytes);
            }
            this.chunkBytes = chunkBytes;
            this.sink = sink;
        }

        public void add(byte type, byte[] treeKey, byte[] value) {
            if (treeKey.length != 32) throw new IllegalArgumentException("a tree key is 32 bytes");
            if (value.length > MAX_VALUE_BYTES) throw new IllegalArgumentException("state value over " + MAX_VALUE_BYTES);
            int n = ENTRY_OVERHEAD + value.length;
            if (buf.size() > 0 && buf.size() + n > chunkBytes) flush();
            buf.write(type);
            buf.writeBytes(treeKey);
            int len = value.length;
            buf.write(len >>> 24);
            buf.write(len >>> 16);
            buf.write(len >>> 8);
            buf.write(len);
            buf.writeBytes(value);
            entries++;
        }

        private void flush() {
            sink.accept(buf.toByteArray());
            buf.reset();
            chunks++;
        }

        /** Hands over the last chunk; a snapshot of an empty state is one empty chunk. */
        public void finish() {
            if (buf.size() > 0 || chunks == 0) flush();
        }

        public long entries() {
            return entries;
        }
    }

    /**
     * Reads a chunk's entries, refusing a truncated entry, an oversized value, or an entry not strictly after
     * {@code after} (the previous entry's store key, 33 bytes, or null before the first chunk).
     *
     * @throws IllegalArgumentException what is wrong with the chunk
     */
    public static List<StateWrite> read(byte[] chunk, byte[] after) {
        List<StateWrite> out = new ArrayList<>();
        byte[] prev = after;
        int pos = 0;
        while (pos < chunk.length) {
            if (chunk.length - pos < ENTRY_OVERHEAD) throw new IllegalArgumentException("truncated entry at byte " + pos);
            byte type = chunk[pos];
            byte[] key = Arrays.copyOfRange(chunk, pos + 1, pos + 33);
            int len = ((chunk[pos + 33] & 0xff) << 24) | ((chunk[pos + 34] & 0xff) << 16) | ((chunk[pos + 35] & 0xff) << 8)
                    | (chunk[pos + 36] & 0xff);
            pos += ENTRY_OVERHEAD;
            if (len < 0 || len > MAX_VALUE_BYTES || len > chunk.length - pos) {
                throw new IllegalArgumentException("entry value of " + len + " bytes does not fit the chunk");
            }
            byte[] storeKey = storeKey(type, key);
            if (prev != null && Arrays.compareUnsigned(storeKey, prev) <= 0) {
                throw new IllegalArgumentException("entries out of order or repeated");
            }
            prev = storeKey;
            out.add(new StateWrite(type, key, Arrays.copyOfRange(chunk, pos, pos + len)));
            pos += len;
        }
        return out;
    }

    /** Key space byte ‖ tree key: the order entries come in. */
    public static byte[] storeKey(byte type, byte[] treeKey) {
        byte[] k = new byte[33];
        k[0] = type;
        System.arraycopy(treeKey, 0, k, 1, 32);
        return k;
    }
}
