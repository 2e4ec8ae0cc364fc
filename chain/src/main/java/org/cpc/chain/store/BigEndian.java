package org.cpc.chain.store;

/**
 * The fixed-width unsigned big-endian integers of the store's keys and values. Big-endian so that RocksDB's
 * bytewise key order is numeric order: blocks by height, index entries by (height, index) or deadline.
 */
final class BigEndian {
    private BigEndian() {}

    static byte[] be64(long v) {
        byte[] b = new byte[8];
        putBe64(b, 0, v);
        return b;
    }

    static void putBe64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putBe32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long be64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    static long be32(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
    }
}
