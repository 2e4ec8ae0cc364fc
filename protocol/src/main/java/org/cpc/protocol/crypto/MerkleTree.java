package org.cpc.protocol.crypto;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 6962 tree kept whole, level by level, so that many audit paths can be served after one build
 * (a synthetic proof opens k rows of the same tree).
 */
public final class MerkleTree {
    private final byte[][][] levels; // levels[0] = leaf hashes, last = {root}

    public MerkleTree(byte[][] leafHashes) {
        if (leafHashes.length == 0) throw new IllegalArgumentException("a tree with no leaves has no audit paths");
        List<byte[][]> ls = new ArrayList<>();
        byte[][] level = leafHashes.clone();
        ls.add(level);
        while (level.length > 1) {
            int n = level.length;
            byte[][] up = new byte[(n + 1) / 2][];
            for (int i = 0; i + 1 < n; i += 2) up[i / 2] = Merkle.nodeHash(level[i], level[i + 1]);
            if ((n & 1) == 1) up[up.length - 1] = level[n - 1];
            ls.add(up);
            level = up;
        }
        levels = ls.toArray(new byte[0][][]);
    }

    public int size() {
        return levels[0].length;
    }

    public byte[] root() {
        return levels[levels.length - 1][0];
    }

    public List<byte[]> auditPath(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("leaf " + index + " is not in a tree of " + size() + " leaves");
        }
        List<byte[]> path = new ArrayList<>(levels.length);
        int i = index;
        for (int l = 0; l < levels.length - 1; l++) {
            int sibling = i ^ 1;
            if (sibling < levels[l].length) path.add(levels[l][sibling]);
            i >>= 1;
        }
        return path;
    }
}
