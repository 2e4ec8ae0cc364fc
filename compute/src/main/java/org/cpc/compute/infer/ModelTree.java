package org.cpc.compute.infer;

import java.util.ArrayList;
import java.util.List;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MerkleTree;

/**
 * A model's v2 commitment (docs/protocol.md, "Commitment"): an RFC 6962 tree that opens, so that a fraud proof can
 * show one layer's header and one output unit's weights, bias and requantization against the task's
 * {@code model_commitment} with short paths. Layer i's tree has the leaves [{@link LayerHeader} i, {@link UnitLeaf}
 * 0, …, unit outputs−1] (only the header for MaxPool and Flatten); the commitment is the RFC 6962 root over the layer
 * trees' roots, taken as leaf hashes ({@link Merkle#rootOfLeafHashes}). Every header carries the domain
 * "cpc-int-model-v2", its index and the layer count.
 */
public final class ModelTree {
    private final List<MerkleTree> layers = new ArrayList<>();
    private final MerkleTree top;

    public ModelTree(IntModel model) {
        byte[][] roots = new byte[model.ops().size()][];
        for (int i = 0; i < roots.length; i++) {
            MerkleTree t = new MerkleTree(layerLeaves(model, i));
            layers.add(t);
            roots[i] = t.root();
        }
        top = new MerkleTree(roots);
    }

    private static byte[][] layerLeaves(IntModel model, int i) {
        IntLinear l = IntModel.linear(model.ops().get(i));
        byte[][] leaves = new byte[1 + (l == null ? 0 : l.outputs())][];
        leaves[0] = Merkle.leafHash(LayerHeader.of(model, i).encode());
        for (int o = 1; o < leaves.length; o++) leaves[o] = Merkle.leafHash(UnitLeaf.encode(l, o - 1));
        return leaves;
    }

    public byte[] root() {
        return top.root();
    }

    /** Path of layer i's header: its path in the layer's tree, then the layer root's path in the top tree. */
    public List<byte[]> headerPath(int layer) {
        return path(layer, 0);
    }

    /** Path of output unit o of layer i, likewise. */
    public List<byte[]> unitPath(int layer, int unit) {
        return path(layer, 1 + unit);
    }

    private List<byte[]> path(int layer, int leaf) {
        List<byte[]> p = new ArrayList<>(layers.get(layer).auditPath(leaf));
        p.addAll(top.auditPath(layer));
        return p;
    }

    /** The header leaf's bytes of layer i. */
    public static byte[] header(IntModel model, int layer) {
        return LayerHeader.of(model, layer).encode();
    }

    /** Unit o's leaf bytes of layer i (a Conv or Dense layer). */
    public static byte[] unit(IntModel model, int layer, int unit) {
        return UnitLeaf.encode(IntModel.linear(model.ops().get(layer)), unit);
    }
}
