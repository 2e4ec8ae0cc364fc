package org.cpc.chain.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.cpc.protocol.crypto.Sha256;

class SparseMerkleTreeProperties {
    /** Keys that are either spread out (hashes) or share 31 bytes, so deep splits happen. */
    static byte[] key(int i) {
        if (i < 40) return Sha256.hash(new byte[] {(byte) i});
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) 0x5a);
        k[31] = (byte) i;
        return k;
    }

    static byte[] value(int v) {
        return Sha256.hash(new byte[] {1, (byte) v});
    }

    /** An independent, from-scratch definition of the root. */
    static byte[] reference(List<byte[][]> leaves, int depth) {
        if (leaves.isEmpty()) return SparseMerkleTree.EMPTY_HASH;
        if (leaves.size() == 1) return SparseMerkleTree.leafHash(leaves.get(0)[0], leaves.get(0)[1]);
        List<byte[][]> l = new ArrayList<>(), r = new ArrayList<>();
        for (byte[][] kv : leaves) (SparseMerkleTree.bit(kv[0], depth) == 0 ? l : r).add(kv);
        return SparseMerkleTree.nodeHash(reference(l, depth + 1), reference(r, depth + 1));
    }

    static int internalNodes(List<byte[][]> leaves, int depth) {
        if (leaves.size() < 2) return 0;
        List<byte[][]> l = new ArrayList<>(), r = new ArrayList<>();
        for (byte[][] kv : leaves) (SparseMerkleTree.bit(kv[0], depth) == 0 ? l : r).add(kv);
        return 1 + internalNodes(l, depth + 1) + internalNodes(r, depth + 1);
    }

    record Op(int key, Integer value) {} // value null = delete

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, 79);
        Arbitrary<Integer> values = Arbitraries.integers().between(0, 5).injectNull(0.25);
        return Combinators.combine(keys, values).as(Op::new).list().ofMaxSize(120);
    }

    /** A tree whose node store is a map, writes applied after each batch. */
    static final class MemTree {
        final Map<ByteKey, byte[]> nodes = new HashMap<>();
        final SparseMerkleTree tree = new SparseMerkleTree(p -> nodes.get(new ByteKey(p)), 4);
        SparseMerkleTree.Node root = SparseMerkleTree.Node.EMPTY_NODE;

        void apply(List<SparseMerkleTree.Change> batch) {
            SparseMerkleTree.Update u = tree.update(root, batch);
            for (var w : u.nodeWrites()) {
                if (w.children() == null) nodes.remove(w.path()); else nodes.put(w.path(), w.encoded());
            }
            tree.applied(u);
            root = u.root();
        }
    }

    @Property(tries = 300)
    void rootIsIndependentOfOrderAndBatching(@ForAll("ops") List<Op> ops, @ForAll java.util.Random random) {
        TreeMap<Integer, Integer> model = new TreeMap<>();
        MemTree t = new MemTree();
        int i = 0;
        while (i < ops.size()) {
            int n = 1 + random.nextInt(20);
            Map<Integer, Integer> batch = new HashMap<>(); // last op per key wins within a batch
            List<Integer> order = new ArrayList<>();
            for (int j = i; j < Math.min(ops.size(), i + n); j++) {
                if (!batch.containsKey(ops.get(j).key())) order.add(ops.get(j).key());
                batch.put(ops.get(j).key(), ops.get(j).value());
            }
            java.util.Collections.shuffle(order, random);
            List<SparseMerkleTree.Change> changes = new ArrayList<>();
            for (int k : order) {
                Integer v = batch.get(k);
                changes.add(new SparseMerkleTree.Change(key(k), v == null ? null : value(v)));
                if (v == null) model.remove(k); else model.put(k, v);
            }
            t.apply(changes);
            i += n;
        }
        List<byte[][]> leaves = new ArrayList<>();
        for (var e : model.entrySet()) leaves.add(new byte[][] {key(e.getKey()), value(e.getValue())});
        assertThat(t.root.hash()).isEqualTo(reference(leaves, 0));
        // deletes leave no stale nodes behind: exactly one stored node per internal node
        assertThat(t.nodes).hasSize(internalNodes(leaves, 0));

        // the same set inserted in one batch, in reverse order, gives the same root
        MemTree fresh = new MemTree();
        List<SparseMerkleTree.Change> all = new ArrayList<>();
        for (var e : model.descendingMap().entrySet()) all.add(new SparseMerkleTree.Change(key(e.getKey()), value(e.getValue())));
        fresh.apply(all);
        assertThat(fresh.root.hash()).isEqualTo(t.root.hash());

        // proofs
        byte[] root = t.root.hash();
        for (int k = 0; k < 80; k++) {
            SparseMerkleTree.Proof p = t.tree.prove(t.root, key(k));
            Integer v = model.get(k);
            if (v != null) {
                assertThat(SparseMerkleTree.verifyMembership(root, key(k), value(v), p)).isTrue();
                assertThat(SparseMerkleTree.verifyMembership(root, key(k), value(v + 1), p)).isFalse();
                assertThat(SparseMerkleTree.verifyNonMembership(root, key(k), p)).isFalse();
                if (!p.siblings().isEmpty()) {
                    List<byte[]> bad = new ArrayList<>(p.siblings());
                    byte[] s = bad.get(bad.size() - 1).clone();
                    s[0] ^= 1;
                    bad.set(bad.size() - 1, s);
                    assertThat(SparseMerkleTree.verifyMembership(root, key(k), value(v),
                            new SparseMerkleTree.Proof(bad, p.terminal()))).isFalse();
                }
            } else {
                assertThat(SparseMerkleTree.verifyNonMembership(root, key(k), p)).isTrue();
                assertThat(SparseMerkleTree.verifyMembership(root, key(k), value(0), p)).isFalse();
            }
        }
    }
}
