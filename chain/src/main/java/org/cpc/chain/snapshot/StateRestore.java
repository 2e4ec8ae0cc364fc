package org.cpc.chain.snapshot;

import java.util.List;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.codec.Hex;

/**
 * Rebuilds a store's state from a snapshot's chunks, given in order: each chunk must hash to what the manifest
 * lists and hold entries strictly after the previous chunk's; its entries are written and the sparse Merkle tree
 * updated chunk by chunk (one synced write each), and at the end the rebuilt root must equal the manifest's
 * {@code state_root}, which the caller has checked against a verified header. Not thread-safe: one restore, one
 * thread.
 */
public final class StateRestore {
    private final ChainStore store;
    private final SnapshotManifest manifest;
    private final SparseMerkleTree tree;
    private SparseMerkleTree.Node root = SparseMerkleTree.Node.EMPTY_NODE;
    private byte[] lastKey;
    private long entries;
    private int next;

    /** Empties the state of {@code store} (which must hold only the genesis block) to receive the snapshot. */
    public StateRestore(ChainStore store, SnapshotManifest manifest, int smtCacheNodes) {
        this.store = store;
        this.manifest = manifest;
        store.clearState();
        this.tree = new SparseMerkleTree(store::smtNode, smtCacheNodes);
    }

    /** The index of the chunk {@link #apply} takes next. */
    public int nextChunk() {
        return next;
    }

    public boolean complete() {
        return next == manifest.chunks().size();
    }

    /**
     * Applies the next chunk.
     *
     * @throws BadChunkException the chunk does not hash to the manifest's, or its entries are malformed or out of
     *     order (whoever served it lied; the same index may be fetched again from someone else)
     */
    public void apply(byte[] chunk) throws BadChunkException {
        if (complete()) throw new IllegalStateException("every chunk is applied");
        if (!manifest.chunkMatches(next, chunk)) throw new BadChunkException(next, "hash differs from the manifest's");
        List<StateWrite> writes;
        try {
            writes = SnapshotChunks.read(chunk, lastKey);
        } catch (IllegalArgumentException e) {
            throw new BadChunkException(next, e.getMessage());
        }
        if (!writes.isEmpty()) {
            SparseMerkleTree.Update u = tree.update(root, StateWrite.treeChanges(writes));
            store.commitState(writes, u);
            tree.applied(u);
            root = u.root();
            StateWrite last = writes.getLast();
            lastKey = SnapshotChunks.storeKey(last.type(), last.treeKey());
            entries += writes.size();
        }
        next++;
    }

    /**
     * Checks the whole: every chunk applied, as many entries as the manifest says, the root equal to its
     * {@code state_root}; rebuilds the indexes derived from the state. Returns the root.
     *
     * @throws BadChunkException when the chunks, each matching its hash, still do not make the promised state (the
     *     manifest itself lied)
     */
    public SparseMerkleTree.Node finish() throws BadChunkException {
        if (!complete()) throw new IllegalStateException("chunk " + next + " of " + manifest.chunks().size() + " missing");
        if (entries != manifest.entries()) {
            throw new BadChunkException(-1, "the snapshot has " + entries + " entries, its manifest says "
                    + manifest.entries());
        }
        String got = Hex.encode(root.hash());
        if (!got.equals(manifest.stateRoot())) {
            throw new BadChunkException(-1, "the rebuilt state root " + got + " is not the snapshot's "
                    + manifest.stateRoot());
        }
        store.deadlines().rebuild();
        return root;
    }

    /** A chunk (index ≥ 0) or the snapshot as a whole (-1) is not what the manifest promised. */
    public static final class BadChunkException extends Exception {
        private final int index;

        public BadChunkException(int index, String message) {
            super((index >= 0 ? "snapshot chunk " + index + ": " : "snapshot: ") + message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }
}
