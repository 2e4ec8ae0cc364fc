package org.cpc.protocol.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 Merkle Tree Hash: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), split at the
 * largest power of two below n, no duplicated nodes. The empty tree's root is SHA-256 of nothing. Audit paths
 * are RFC 6962 paths, bottom-up.
 */
public final class Merkle {
    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;

    private Merkle() {}

    public static byte[] leafHash(byte[] data) {
        return leafHash(data, 0, data.length);
    }

    public static byte[] leafHash(byte[] data, int offset, int length) {
        MessageDigest d = Sha256.newDigestCached();
        d.update(LEAF);
        d.update(data, offset, length);
        return d.digest();
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = Sha256.newDigestCached();
        d.update(NODE);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /** Root over the leaves' data (each is hashed as a leaf first). */
    public static byte[] root(List<byte[]> leafData) {
        byte[][] hashes = new byte[leafData.size()][];
        for (int i = 0; i < hashes.length; i++) hashes[i] = leafHash(leafData.get(i));
        return rootOfLeafHashes(hashes);
    }

    /**
     * Root over already-hashed leaves. Builds level by level: pairing adjacent nodes and carrying an odd last node
     * up unchanged gives exactly RFC 6962's split at the largest power of two, without recursion.
     */
    public static byte[] rootOfLeafHashes(byte[][] leafHashes) {
        int n = leafHashes.length;
        if (n == 0) return Sha256.hash(new byte[0]);
        byte[][] level = Arrays.copyOf(leafHashes, n);
        while (n > 1) {
            int half = 0;
            for (int i = 0; i + 1 < n; i += 2) level[half++] = nodeHash(level[i], level[i + 1]);
            if ((n & 1) == 1) level[half++] = level[n - 1];
            n = half;
        }
        return level[0];
    }

    /** The audit path of leaf {@code index} in a tree of the given leaf hashes, bottom-up. */
    public static List<byte[]> auditPath(byte[][] leafHashes, int index) {
        return new MerkleTree(leafHashes).auditPath(index);
    }

    /** Recomputes the root from a leaf hash and its audit path; RFC 6962 section 2.1.1 verification. */
    public static byte[] rootFromPath(byte[] leafHash, int index, int treeSize, List<byte[]> path) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + treeSize + " leaves");
        }
        long fn = index;
        long sn = treeSize - 1L;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) return null; // path longer than the tree is tall
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    public static boolean verify(byte[] leafHash, int index, int treeSize, List<byte[]> path, byte[] root) {
        byte[] r = rootFromPath(leafHash, index, treeSize, path);
        return r != null && MessageDigest.isEqual(r, root);
    }

    /** Number of hashes in the audit path of {@code index} in a tree of {@code treeSize} leaves. */
    public static int pathLength(int index, int treeSize) {
        int len = 0;
        long fn = index;
        long sn = treeSize - 1L;
        while (sn > 0) {
            if ((fn & 1) == 1 || fn != sn) len++;
            fn >>= 1;
            sn >>= 1;
        }
        return len;
    }
}
