package org.cpc.compute;

import java.util.ArrayList;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MerkleTree;
import org.cpc.protocol.crypto.Sha256;

/** The proof field of a synthetic result: the challenged rows' audit paths, concatenated in challenge order. */
public final class SyntheticProof {
    private SyntheticProof() {}

    public static String encode(MerkleTree tree, int[] rows) {
        StringBuilder out = new StringBuilder(2 * byteLength(rows, tree.size()));
        for (int row : rows) {
            for (byte[] node : tree.auditPath(row)) out.append(Hex.encode(node));
        }
        return out.toString();
    }

    /** Bytes a proof for these rows of an n-row tree must have. */
    public static int byteLength(int[] rows, int n) {
        int hashes = 0;
        for (int row : rows) hashes += Merkle.pathLength(row, n);
        return hashes * Sha256.LENGTH;
    }

    /** The audit path of one row, read from the decoded proof at {@code offset}. */
    static List<byte[]> path(byte[] proof, int offset, int length) {
        List<byte[]> path = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int from = offset + i * Sha256.LENGTH;
            path.add(java.util.Arrays.copyOfRange(proof, from, from + Sha256.LENGTH));
        }
        return path;
    }
}
