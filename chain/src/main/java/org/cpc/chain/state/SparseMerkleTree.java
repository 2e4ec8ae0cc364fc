package org.cpc.chain.state;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.crypto.Sha256;

/**
 * A compressed sparse Merkle tree over 256-bit keys (the Diem/Jellyfish "leaf shortcut" form), SHA-256 throughout.
 *
 * <p>Hashing, normative for {@code state_root}:
 * <ul>
 *   <li>the empty subtree hashes to 32 zero bytes;</li>
 *   <li>a leaf is {@code SHA-256(0x00 ‖ key(32) ‖ value_hash(32))};</li>
 *   <li>a subtree holding exactly one leaf is represented by that leaf's hash, wherever the subtree starts (the leaf
 *       sits at the shallowest depth where its key differs from every other key);</li>
 *   <li>a subtree holding two or more leaves is {@code SHA-256(0x01 ‖ left ‖ right)}, left being the half whose
 *       next key bit is 0 (bits taken most significant first), even when one half is empty.</li>
 * </ul>
 * The root is the hash of the whole tree. Its shape depends only on the set of (key, value_hash) pairs, never on
 * the order of insertion. An update touches one path per changed key: O(log n) for hashed keys.
 *
 * <p>Storage: only internal nodes are stored, each under its path (depth byte ‖ key prefix padded with zero bits);
 * leaves live inside their parent. Updates are batched: {@link #update} computes the new root and the node writes
 * without changing anything; {@link #applied} tells the tree's cache once they are durable.
 */
public final class SparseMerkleTree {
    public static final byte[] EMPTY_HASH = new byte[32];
    static final int EMPTY = 0, LEAF = 1, INTERNAL = 2;

    /** Where internal nodes are read from: the committed store. */
    public interface NodeStore {
        byte[] get(byte[] path);
    }

    /** A child reference: empty, a leaf (key, value hash) or an internal node (hash). */
    public record Node(int kind, byte[] hash, byte[] key, byte[] valueHash) {
        public static final Node EMPTY_NODE = new Node(EMPTY, EMPTY_HASH, null, null);

        public static Node leaf(byte[] key, byte[] valueHash) {
            return new Node(LEAF, leafHash(key, valueHash), key, valueHash);
        }

        public boolean isEmpty() {
            return kind == EMPTY;
        }

        public byte[] encode() {
            byte[] out = new byte[1 + (kind == EMPTY ? 0 : kind == LEAF ? 64 : 32)];
            write(out, 0);
            return out;
        }

        int encodedLength() {
            return 1 + (kind == EMPTY ? 0 : kind == LEAF ? 64 : 32);
        }

        int write(byte[] out, int off) {
            out[off++] = (byte) kind;
            if (kind == LEAF) {
                System.arraycopy(key, 0, out, off, 32);
                System.arraycopy(valueHash, 0, out, off + 32, 32);
                return off + 64;
            }
            if (kind == INTERNAL) {
                System.arraycopy(hash, 0, out, off, 32);
                return off + 32;
            }
            return off;
        }

        static Node read(byte[] in, int[] pos) {
            int kind = in[pos[0]++];
            switch (kind) {
                case EMPTY:
                    return EMPTY_NODE;
                case LEAF: {
                    byte[] k = Arrays.copyOfRange(in, pos[0], pos[0] + 32);
                    byte[] v = Arrays.copyOfRange(in, pos[0] + 32, pos[0] + 64);
                    pos[0] += 64;
                    return leaf(k, v);
                }
                case INTERNAL: {
                    byte[] h = Arrays.copyOfRange(in, pos[0], pos[0] + 32);
                    pos[0] += 32;
                    return new Node(INTERNAL, h, null, null);
                }
                default:
                    throw new IllegalStateException("corrupt SMT node: kind " + kind);
            }
        }

        public static Node decode(byte[] in) {
            return read(in, new int[] {0});
        }
    }

    /** One key's new value hash, or null to delete it. */
    public record Change(byte[] key, byte[] valueHash) {}

    /** One internal node written ({@code children} = {left, right}) or deleted ({@code children} null). */
    public record NodeWrite(ByteKey path, Node[] children) {
        /** The stored form: left then right, each as kind byte ‖ (leaf: key ‖ value hash | internal: hash). */
        public byte[] encoded() {
            return children == null ? null : encodeInternal(children[0], children[1]);
        }
    }

    /** The outcome of a batch: the new root and the internal-node writes, each path at most once. */
    public record Update(Node root, List<NodeWrite> nodeWrites) {}

    /**
     * A proof for one key: the sibling hashes from the root down, and the node found at the end of the key's path
     * (the key's own leaf, another leaf, or empty).
     */
    public record Proof(List<byte[]> siblings, Node terminal) {}

    private final NodeStore store;
    private final Map<ByteKey, Node[]> cache;

    public SparseMerkleTree(NodeStore store, int cacheNodes) {
        this.store = store;
        this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteKey, Node[]> e) {
                return size() > cacheNodes;
            }
        };
    }

    public static byte[] leafHash(byte[] key, byte[] valueHash) {
        return tagged((byte) 0, key, valueHash);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        return tagged((byte) 1, left, right);
    }

    /** SHA-256(tag ‖ a ‖ b): the tag (0 leaf, 1 node) keeps a leaf from ever hashing like a node. */
    private static byte[] tagged(byte tag, byte[] a, byte[] b) {
        MessageDigest d = Sha256.newDigestCached();
        d.update(tag);
        d.update(a);
        d.update(b);
        return d.digest();
    }

    static int bit(byte[] key, int depth) {
        return (key[depth >>> 3] >>> (7 - (depth & 7))) & 1;
    }

    /** The storage key of the internal node at {@code depth} on {@code key}'s path. */
    public static byte[] path(byte[] key, int depth) {
        byte[] p = new byte[33];
        p[0] = (byte) depth;
        int full = depth >>> 3;
        System.arraycopy(key, 0, p, 1, full);
        int rem = depth & 7;
        if (rem != 0) p[1 + full] = (byte) (key[full] & (0xff << (8 - rem)));
        return p;
    }

    private synchronized Node[] children(byte[] key, int depth) {
        ByteKey pk = new ByteKey(path(key, depth));
        Node[] n = cache.get(pk);
        if (n == null) {
            byte[] enc = store.get(pk.bytes());
            if (enc == null) throw new IllegalStateException("SMT node missing at depth " + depth + " (" + pk + ")");
            int[] pos = {0};
            n = new Node[] {Node.read(enc, pos), Node.read(enc, pos)};
            cache.put(pk, n);
        }
        return n;
    }

    static byte[] encodeInternal(Node l, Node r) {
        byte[] out = new byte[l.encodedLength() + r.encodedLength()];
        r.write(out, l.write(out, 0));
        return out;
    }

    /** Applies changes (any order, distinct keys) to the tree under {@code root}; changes nothing stored. */
    public Update update(Node root, List<Change> changes) {
        List<Change> sorted = new ArrayList<>(changes);
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        for (int i = 1; i < sorted.size(); i++) {
            if (Arrays.equals(sorted.get(i - 1).key(), sorted.get(i).key())) {
                throw new IllegalArgumentException("duplicate key in one SMT batch");
            }
        }
        List<NodeWrite> writes = new ArrayList<>();
        Node r = apply(0, root, sorted, 0, sorted.size(), writes);
        return new Update(r, writes);
    }

    /** Tells the cache about writes that are now durable. */
    public synchronized void applied(Update u) {
        for (NodeWrite w : u.nodeWrites()) {
            if (w.children() == null) cache.remove(w.path()); else cache.put(w.path(), w.children());
        }
    }

    /** Forgets cached nodes (after a failed write, so the cache never runs ahead of the store). */
    public synchronized void clearCache() {
        cache.clear();
    }

    private Node apply(int depth, Node cur, List<Change> ups, int lo, int hi, List<NodeWrite> writes) {
        if (lo == hi) return cur;
        if (cur.kind != INTERNAL) {
            List<Node> leaves = new ArrayList<>(hi - lo + 1);
            boolean curPlaced = cur.kind != LEAF;
            for (int i = lo; i < hi; i++) {
                Change c = ups.get(i);
                if (!curPlaced) {
                    int cmp = Arrays.compareUnsigned(cur.key, c.key());
                    if (cmp < 0) {
                        leaves.add(cur);
                        curPlaced = true;
                    } else if (cmp == 0) {
                        curPlaced = true; // replaced or deleted by the change
                    }
                }
                if (c.valueHash() != null) leaves.add(Node.leaf(c.key(), c.valueHash()));
            }
            if (!curPlaced) leaves.add(cur);
            return build(depth, leaves, 0, leaves.size(), writes);
        }
        byte[] anyKey = ups.get(lo).key();
        Node[] ch = children(anyKey, depth);
        int m = lo;
        while (m < hi && bit(ups.get(m).key(), depth) == 0) m++;
        Node l = apply(depth + 1, ch[0], ups, lo, m, writes);
        Node r = apply(depth + 1, ch[1], ups, m, hi, writes);
        ByteKey pk = new ByteKey(path(anyKey, depth));
        if ((l.kind == EMPTY && r.kind != INTERNAL) || (r.kind == EMPTY && l.kind != INTERNAL)) {
            writes.add(new NodeWrite(pk, null));
            return l.kind == EMPTY ? r : l;
        }
        writes.add(new NodeWrite(pk, new Node[] {l, r}));
        return new Node(INTERNAL, nodeHash(l.hash, r.hash), null, null);
    }

    private static Node build(int depth, List<Node> leaves, int lo, int hi, List<NodeWrite> writes) {
        if (lo == hi) return Node.EMPTY_NODE;
        if (hi - lo == 1) return leaves.get(lo);
        int m = lo;
        while (m < hi && bit(leaves.get(m).key, depth) == 0) m++;
        Node l = build(depth + 1, leaves, lo, m, writes);
        Node r = build(depth + 1, leaves, m, hi, writes);
        writes.add(new NodeWrite(new ByteKey(path(leaves.get(lo).key, depth)), new Node[] {l, r}));
        return new Node(INTERNAL, nodeHash(l.hash, r.hash), null, null);
    }

    /** The proof for {@code key} in the tree under {@code root}. */
    public Proof prove(Node root, byte[] key) {
        List<byte[]> sib = new ArrayList<>();
        Node cur = root;
        int depth = 0;
        while (cur.kind == INTERNAL) {
            Node[] ch = children(key, depth);
            int b = bit(key, depth);
            sib.add(ch[1 - b].hash);
            cur = ch[b];
            depth++;
        }
        return new Proof(sib, cur);
    }

    /** The root a proof leads to for {@code key}, or null when the terminal leaf cannot sit on that path. */
    public static byte[] rootFrom(byte[] key, Proof p) {
        int depth = p.siblings().size();
        if (depth > 256) return null;
        Node t = p.terminal();
        if (t.kind == INTERNAL) return null;
        if (t.kind == LEAF) {
            for (int i = 0; i < depth; i++) if (bit(t.key, i) != bit(key, i)) return null;
            if (!Arrays.equals(t.hash, leafHash(t.key, t.valueHash))) return null;
        }
        byte[] h = t.hash;
        for (int i = depth - 1; i >= 0; i--) {
            byte[] s = p.siblings().get(i);
            h = bit(key, i) == 0 ? nodeHash(h, s) : nodeHash(s, h);
        }
        return h;
    }

    /** True when the proof shows {@code key} holding {@code valueHash} under {@code root}. */
    public static boolean verifyMembership(byte[] root, byte[] key, byte[] valueHash, Proof p) {
        Node t = p.terminal();
        if (t.kind != LEAF || !Arrays.equals(t.key, key) || !Arrays.equals(t.valueHash, valueHash)) return false;
        byte[] r = rootFrom(key, p);
        return r != null && MessageDigest.isEqual(r, root);
    }

    /** True when the proof shows that {@code key} is absent under {@code root}. */
    public static boolean verifyNonMembership(byte[] root, byte[] key, Proof p) {
        Node t = p.terminal();
        if (t.kind == LEAF && Arrays.equals(t.key, key)) return false;
        byte[] r = rootFrom(key, p);
        return r != null && MessageDigest.isEqual(r, root);
    }
}
