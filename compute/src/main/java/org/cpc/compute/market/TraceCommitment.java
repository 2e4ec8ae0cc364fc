package org.cpc.compute.market;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.cpc.protocol.crypto.Merkle;

/**
 * The commitments a matmul task's fraud proofs open (docs/protocol.md, "Trace commitments"), all RFC 6962 trees
 * ({@link Merkle}):
 * <ul>
 *   <li>{@code a_root}: over the m rows of A, leaf i = row i (k bytes);</li>
 *   <li>{@code b_root}: over the n columns of B, leaf j = B[0][j], B[1][j], …, B[k−1][j] (k bytes);</li>
 *   <li>a job's {@code result_hash}: over its output rows, each row (n int32 little-endian) committed by the root of
 *       its own tree of {@link #CHUNK_BYTES}-byte chunks, which stands in the row tree where a leaf hash would. A row
 *       of one chunk (n ≤ 1024) is a plain leaf: the root of a one-leaf tree is that leaf's hash.</li>
 * </ul>
 * A proof opens one row, one column and one chunk, so its size does not grow with n beyond one chunk.
 */
public final class TraceCommitment {
    /** Bytes of an output chunk: 1024 int32 entries. Fixed by the protocol (not a chain parameter: roots depend on it). */
    public static final int CHUNK_BYTES = 4096;
    /** int32 entries in a chunk. */
    public static final int CHUNK_ENTRIES = CHUNK_BYTES / 4;
    /** Columns of B gathered per pass: their k bytes each are read row by row, {@code BLOCK} bytes at a time. */
    private static final int BLOCK = 256;

    private TraceCommitment() {}

    /** Chunks in one output row of n entries. */
    public static int chunks(int n) {
        return byteChunks(4 * n);
    }

    /** Bytes of chunk {@code c} of a row of n entries (the last one may be shorter). */
    public static int chunkBytes(int n, int c) {
        return byteChunkSize(4 * n, c);
    }

    /** Chunks of {@link #CHUNK_BYTES} in a row of {@code bytes} bytes (the inference trace's rows are cut the same way). */
    public static int byteChunks(int bytes) {
        return (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
    }

    /** Bytes of chunk {@code c} of a row of {@code bytes} bytes. */
    public static int byteChunkSize(int bytes, int c) {
        return Math.min(CHUNK_BYTES, bytes - c * CHUNK_BYTES);
    }

    /** The leaf hashes of the chunks of the {@code bytes}-byte row at {@code offset} in {@code data}. */
    public static byte[][] byteChunkLeaves(byte[] data, int offset, int bytes) {
        byte[][] leaves = new byte[byteChunks(bytes)][];
        for (int c = 0; c < leaves.length; c++) {
            leaves[c] = Merkle.leafHash(data, offset + c * CHUNK_BYTES, byteChunkSize(bytes, c));
        }
        return leaves;
    }

    /** The leaf hashes of the m rows of A (m×k int8 row-major). */
    public static byte[][] aLeaves(MemorySegment a, int m, int k) {
        byte[][] leaves = new byte[m][];
        byte[] row = new byte[k];
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(a, ValueLayout.JAVA_BYTE, (long) i * k, row, 0, k);
            leaves[i] = Merkle.leafHash(row);
        }
        return leaves;
    }

    /** The leaf hashes of the n columns of B (k×n int8 row-major), gathered {@link #BLOCK} columns at a time. */
    public static byte[][] bLeaves(MemorySegment b, int k, int n) {
        byte[][] leaves = new byte[n][];
        byte[] strip = new byte[BLOCK];
        byte[][] cols = new byte[BLOCK][k];
        for (int j0 = 0; j0 < n; j0 += BLOCK) {
            int w = Math.min(BLOCK, n - j0);
            for (int t = 0; t < k; t++) {
                MemorySegment.copy(b, ValueLayout.JAVA_BYTE, (long) t * n + j0, strip, 0, w);
                for (int c = 0; c < w; c++) cols[c][t] = strip[c];
            }
            for (int c = 0; c < w; c++) leaves[j0 + c] = Merkle.leafHash(cols[c]);
        }
        return leaves;
    }

    public static byte[] aRoot(MemorySegment a, int m, int k) {
        return Merkle.rootOfLeafHashes(aLeaves(a, m, k));
    }

    public static byte[] bRoot(MemorySegment b, int k, int n) {
        return Merkle.rootOfLeafHashes(bLeaves(b, k, n));
    }

    /** The leaf hashes of the chunks of the output row at {@code offset} in {@code out} (4n bytes). */
    public static byte[][] chunkLeaves(byte[] out, int offset, int n) {
        return byteChunkLeaves(out, offset, 4 * n);
    }

    /** What stands for an output row in its job's row tree: the root of its chunk tree. */
    public static byte[] rowHash(byte[] out, int offset, int n) {
        return Merkle.rootOfLeafHashes(chunkLeaves(out, offset, n));
    }

    /** The row hashes of a job's output: {@code out.length / 4n} rows. */
    public static byte[][] rowHashes(byte[] out, int n) {
        int rowBytes = 4 * n;
        if (n < 1 || out.length == 0 || out.length % rowBytes != 0) {
            throw new IllegalArgumentException("a job's output must be whole rows of " + n + " int32 (" + rowBytes
                    + " bytes each); it is " + out.length + " bytes");
        }
        byte[][] rows = new byte[out.length / rowBytes][];
        for (int r = 0; r < rows.length; r++) rows[r] = rowHash(out, r * rowBytes, n);
        return rows;
    }

    /** A matmul job's result_hash: the root over its output rows. */
    public static byte[] outputRoot(byte[] out, int n) {
        return Merkle.rootOfLeafHashes(rowHashes(out, n));
    }
}
