package org.cpc.chain.exec;

import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.protocol.crypto.Sha256;

/** One state entry a block changes: key space, 256-bit tree key, new value (null = removed). */
public record StateWrite(byte type, byte[] treeKey, byte[] value) {
    /** The changes these writes make to the sparse Merkle tree, which holds SHA-256 of each value. */
    public static List<SparseMerkleTree.Change> treeChanges(List<StateWrite> writes) {
        List<SparseMerkleTree.Change> c = new ArrayList<>(writes.size());
        for (StateWrite w : writes) {
            c.add(new SparseMerkleTree.Change(w.treeKey(), w.value() == null ? null : Sha256.hash(w.value())));
        }
        return c;
    }
}
