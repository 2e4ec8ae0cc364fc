package org.cpc.chain.exec;

import java.util.List;
import org.cpc.chain.InvalidBlockException;
import org.cpc.chain.ProposerSchedule;
import org.cpc.chain.ValidatorInfo;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Merkle;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;

/**
 * The rules of a block header (protocol.md, "Block validity"), as pure functions: the same block, parent,
 * parameters and validators give the same verdict on every node. Each refusal names the broken rule.
 *
 * <p>One rule is not here: a block may be at most {@code max_future_block_ms} ahead of this node's clock. It needs
 * the clock, so the chain checks it at its edge, where the clock is injected.
 */
public final class HeaderRules {
    private HeaderRules() {}

    /**
     * Every header rule that needs neither execution nor a clock, cheap ones first: the block follows
     * {@code parent}, is for this chain, is later than its parent, comes from the scheduled proposer, keeps to the
     * limits, and carries that proposer's signature. Returns the proposer.
     *
     * @param validators the genesis validators in genesis order (the proposer schedule's order)
     */
    public static ValidatorInfo check(Block block, Block parent, NetworkParams params, List<ValidatorInfo> validators)
            throws InvalidBlockException {
        BlockHeader h = block.header();
        checkFollows(h, parent);
        if (!h.chainId().equals(params.chainId())) {
            throw new InvalidBlockException("block for chain " + h.chainId() + " sent to " + params.chainId());
        }
        checkTimestamp(h, parent.header());
        ValidatorInfo proposer = checkProposer(h, validators);
        checkLimits(block, params);
        checkSignature(block, proposer);
        return proposer;
    }

    /** Height and prev_hash continue the parent. */
    static void checkFollows(BlockHeader h, Block parent) throws InvalidBlockException {
        BlockHeader ph = parent.header();
        if (h.height() != ph.height() + 1) {
            throw new InvalidBlockException("block height " + h.height() + " does not follow the head " + ph.height());
        }
        if (!h.prevHash().equals(parent.hashHex())) {
            throw new InvalidBlockException("prev_hash " + h.prevHash() + " is not the head's hash " + parent.hashHex());
        }
    }

    /** Timestamps strictly increase, so that every block has its own time. */
    static void checkTimestamp(BlockHeader h, BlockHeader parent) throws InvalidBlockException {
        if (h.timestamp() <= parent.timestamp()) {
            throw new InvalidBlockException("timestamp " + h.timestamp() + " is not after the parent's "
                    + parent.timestamp());
        }
    }

    /** The proposer is a validator, and the one {@link ProposerSchedule} names for (height, round). */
    static ValidatorInfo checkProposer(BlockHeader h, List<ValidatorInfo> validators) throws InvalidBlockException {
        ValidatorInfo v = validators.stream().filter(x -> x.address().equals(h.proposerAddress())).findFirst()
                .orElseThrow(() -> new InvalidBlockException("proposer " + h.proposerAddress() + " is not a validator"));
        ValidatorInfo expected = ProposerSchedule.proposer(validators, h.height(), h.round());
        if (!expected.address().equals(v.address())) {
            throw new InvalidBlockException("proposer of height " + h.height() + " round " + h.round() + " is "
                    + expected.address() + ", not " + h.proposerAddress());
        }
        return v;
    }

    /** gas_limit is the network's, gas_used within it, the transactions within max_block_txs, the ZK fields null. */
    static void checkLimits(Block b, NetworkParams params) throws InvalidBlockException {
        BlockHeader h = b.header();
        if (h.gasLimit() != params.blockGasLimit()) {
            throw new InvalidBlockException("gas_limit " + h.gasLimit() + " != block_gas_limit " + params.blockGasLimit());
        }
        if (h.gasUsed() > h.gasLimit()) {
            throw new InvalidBlockException("gas_used " + h.gasUsed() + " exceeds gas_limit " + h.gasLimit());
        }
        if (b.transactions().size() > params.maxBlockTxs()) {
            throw new InvalidBlockException(b.transactions().size() + " transactions exceed max_block_txs "
                    + params.maxBlockTxs());
        }
        if (h.zkStateProof() != null || h.zkComputeProof() != null) {
            throw new InvalidBlockException("zk_state_proof and zk_compute_proof must be null in protocol v1");
        }
    }

    /** The block carries an ML-DSA-65 signature of the header hash by the proposer's key. */
    static void checkSignature(Block b, ValidatorInfo proposer) throws InvalidBlockException {
        if (b.signature() == null) throw new InvalidBlockException("block is not signed by its proposer");
        byte[] sig;
        try {
            sig = Hex.decode(b.signature());
        } catch (IllegalArgumentException e) {
            throw new InvalidBlockException("block signature is not hex: " + e.getMessage());
        }
        if (!MlDsa.verify(Hex.decode(proposer.publicKey()), b.header().hash(), sig)) {
            throw new InvalidBlockException("proposer signature does not verify (ML-DSA-65 over the header hash, key of "
                    + proposer.address() + ")");
        }
    }

    /**
     * The header's claims about its transactions against what executing them gave: gas_used, tx_root (of
     * {@link #txRoot}) and compute_root. The state root is checked apart ({@link #checkStateRoot}), once these
     * pass, because computing it is the costly part.
     */
    public static void checkExecuted(BlockHeader h, long gasUsed, String txRoot, String computeRoot)
            throws InvalidBlockException {
        if (gasUsed != h.gasUsed()) {
            throw new InvalidBlockException("gas_used " + h.gasUsed() + " != " + gasUsed + " used by its transactions");
        }
        if (!txRoot.equals(h.txRoot())) {
            throw new InvalidBlockException("tx_root " + h.txRoot() + " != " + txRoot + " of its transactions");
        }
        if (!computeRoot.equals(h.computeRoot())) {
            throw new InvalidBlockException("compute_root '" + h.computeRoot() + "' != '" + computeRoot
                    + "' of its results");
        }
    }

    /** The header's state_root is the root of the state its execution left. */
    public static void checkStateRoot(BlockHeader h, String stateRoot) throws InvalidBlockException {
        if (!stateRoot.equals(h.stateRoot())) {
            throw new InvalidBlockException("state_root " + h.stateRoot() + " != " + stateRoot + " after execution");
        }
    }

    /** tx_root of transactions already hashed: the RFC 6962 root over their 32-byte hashes, in block order. */
    public static String txRoot(List<byte[]> txHashes) {
        byte[][] leaves = new byte[txHashes.size()][];
        for (int i = 0; i < leaves.length; i++) leaves[i] = Merkle.leafHash(txHashes.get(i));
        return Hex.encode(Merkle.rootOfLeafHashes(leaves));
    }
}
