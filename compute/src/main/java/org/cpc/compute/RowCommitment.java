package org.cpc.compute;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MerkleTree;

/**
 * The commitment to C: leaf i is row i as n little-endian int32, result_hash is the RFC 6962 root of the n leaves.
 * C is held as int32 in the platform's order; rows are copied into little-endian bytes before hashing so that the
 * leaves are the same on any machine.
 */
public final class RowCommitment {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<byte[][]> ROW = ThreadLocal.withInitial(() -> new byte[1][0]);

    private RowCommitment() {}

    /** Leaf hash of row {@code row} of a matrix with {@code n} int32 columns held in {@code c}. */
    public static byte[] leafHash(MemorySegment c, long row, int n) {
        byte[][] holder = ROW.get();
        int bytes = 4 * n;
        if (holder[0].length < bytes) holder[0] = new byte[bytes];
        byte[] buf = holder[0];
        MemorySegment.copy(c, ValueLayout.JAVA_INT, row * bytes, MemorySegment.ofArray(buf), LE_INT, 0, n);
        return Merkle.leafHash(buf, 0, bytes);
    }

    /** The whole tree over the n rows of an n×n C; its root is result_hash. */
    public static MerkleTree commit(MemorySegment c, int n) {
        byte[][] leaves = new byte[n][];
        for (int i = 0; i < n; i++) leaves[i] = leafHash(c, i, n);
        return new MerkleTree(leaves);
    }
}
