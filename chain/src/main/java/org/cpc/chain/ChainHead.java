package org.cpc.chain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.exec.ChainView;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.types.Block;

/**
 * Where the committed chain ends: the head block and its state root, and the hashes of recent blocks, which
 * synthetic results name (their {@code nonce}) and execution asks for often. Read by any thread; moved on only by
 * the commit path, under the chain's writer lock.
 */
final class ChainHead implements ChainView {
    private final ChainStore store;
    /** How many recent block hashes stay in memory: well beyond the synthetic window results may reach back. */
    private final long keptHashes;
    private final Map<Long, String> recentHashes = new ConcurrentHashMap<>();
    private volatile Block block;
    private volatile SparseMerkleTree.Node stateRoot;

    ChainHead(ChainStore store, long syntheticWindow, Block block, SparseMerkleTree.Node stateRoot) {
        this.store = store;
        this.keptHashes = 4 * syntheticWindow + 16;
        this.block = block;
        this.stateRoot = stateRoot;
        recentHashes.put(block.header().height(), block.hashHex());
    }

    Block block() {
        return block;
    }

    long height() {
        return block.header().height();
    }

    SparseMerkleTree.Node stateRoot() {
        return stateRoot;
    }

    /** The hash (hex) of the committed block at {@code height}, or null past the head. */
    @Override
    public String blockHash(long height) {
        if (height < 0 || height > height()) return null;
        String h = recentHashes.get(height);
        if (h != null) return h;
        Block b = store.block(height);
        return b == null ? null : b.hashHex();
    }

    /** The block was committed with this state root. */
    void advance(Block committed, SparseMerkleTree.Node root) {
        stateRoot = root;
        block = committed;
        long height = committed.header().height();
        recentHashes.put(height, committed.hashHex());
        recentHashes.remove(height - keptHashes);
    }
}
