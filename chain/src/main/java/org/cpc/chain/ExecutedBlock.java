package org.cpc.chain;

import java.util.List;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.protocol.types.Block;

/**
 * A block executed on the head state, ready to commit: what execution gave, the tree update to the block's state
 * root, and the hashes of its transactions in block order.
 */
record ExecutedBlock(Block block, BlockExecutor.Outcome outcome, SparseMerkleTree.Update smt, List<byte[]> txHashes) {}
