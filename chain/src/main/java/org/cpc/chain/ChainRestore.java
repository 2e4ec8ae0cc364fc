package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.StateRestore;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.types.Block;

/**
 * One snapshot restore into a chain at genesis (state sync): the chunks go in one by one ({@link #apply}, each
 * checked against the manifest, a bad one refused so that it can be fetched elsewhere), then {@link #finish} checks
 * the rebuilt state root and makes the snapshot's block the head, with the blocks before it that execution may look
 * back to. Blocks below the earliest restored one are not on this node: reads of them answer as pruned. Until
 * {@link #finish} the chain still says it is at genesis; {@link #abandon} (or a restart) brings the genesis state
 * back.
 */
public final class ChainRestore {
    private final LocalChain chain;
    private final ChainStore store;
    private final List<Block> blocks;
    private final List<byte[]> commits = new ArrayList<>();
    private final StateRestore state;
    private boolean done;

    ChainRestore(LocalChain chain, ChainStore store, SnapshotManifest manifest, List<Block> blocks,
                 List<JsonNode> commits, int smtCacheNodes) {
        if (blocks.isEmpty() || blocks.size() != commits.size()) {
            throw new IllegalArgumentException("a restore needs the snapshot's block and a commit for each block");
        }
        for (int i = 1; i < blocks.size(); i++) {
            Block prev = blocks.get(i - 1), b = blocks.get(i);
            if (b.header().height() != prev.header().height() + 1 || !b.header().prevHash().equals(prev.hashHex())) {
                throw new IllegalArgumentException("restored blocks must be consecutive, each naming the previous");
            }
        }
        Block last = blocks.getLast();
        if (last.header().height() != manifest.height() || !last.hashHex().equals(manifest.blockHash())
                || !last.header().stateRoot().equals(manifest.stateRoot())) {
            throw new IllegalArgumentException("the snapshot (height " + manifest.height() + ", block "
                    + manifest.blockHash() + ") is not of the block given (" + last.header().height() + ", "
                    + last.hashHex() + ") or its state_root differs");
        }
        if (blocks.getFirst().header().height() < 1) throw new IllegalArgumentException("genesis is not restored");
        for (JsonNode c : commits) this.commits.add(Jcs.canonicalize(c));
        this.chain = chain;
        this.store = store;
        this.blocks = List.copyOf(blocks);
        this.state = new StateRestore(store, manifest, smtCacheNodes);
    }

    /** The index of the chunk {@link #apply} takes next. */
    public int nextChunk() {
        return state.nextChunk();
    }

    public boolean complete() {
        return state.complete();
    }

    /**
     * Keeps the validator set one of the restored blocks names (checked by the caller against its header's
     * {@code validators_hash}), so that this node can serve light blocks of those heights too.
     */
    public void keepValidatorSet(org.cpc.consensus.ValidatorSet set) {
        store.putValidatorSet(set.hashHex(), org.cpc.consensus.ValidatorSet.membersJcs(set.validators()));
    }

    /** Applies the next chunk; a refused one leaves the restore where it was. */
    public void apply(byte[] chunk) throws StateRestore.BadChunkException {
        state.apply(chunk);
    }

    /**
     * Checks the rebuilt state against the manifest and makes the snapshot's block the head; on failure the restore
     * is abandoned (genesis state back) and the exception says why.
     */
    public void finish() throws StateRestore.BadChunkException {
        SparseMerkleTree.Node root;
        try {
            root = state.finish();
        } catch (StateRestore.BadChunkException e) {
            abandon();
            throw e;
        }
        store.restoreHead(blocks, commits);
        done = true;
        chain.restored(blocks.getLast(), root);
    }

    /** Gives up: the chain is back at its genesis state, ready for another restore. */
    public void abandon() {
        if (!done) chain.restoreFailed();
    }

    /** Replaces whatever state the store holds with the genesis state. */
    static void resetToGenesis(ChainStore store, List<StateWrite> genesisWrites, SparseMerkleTree.Update genesisTree) {
        store.clearState();
        store.commitState(genesisWrites, genesisTree);
        store.deadlines().rebuild();
    }
}
