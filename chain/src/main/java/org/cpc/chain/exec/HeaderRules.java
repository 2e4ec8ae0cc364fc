package org.cpc.chain.exec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cpc.chain.InvalidBlockException;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitSignature;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.InvalidCommitException;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Rounds;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
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
     * The validator sets a header is checked against, read from the committed state of its parent: {@code current}
     * of the block's height with its proposer priorities, {@code previous} of the height before (which signed the
     * block's {@code last_commit}; null at height 1), and the hash of the next height's set.
     */
    public record Sets(ValidatorSet current, ValidatorSet previous, String nextHash, Map<String, String> operators) {
        /** The operator address of a member of the current set (where its part of a block's rewards goes). */
        public String operatorOf(String consensusAddress) {
            return operators.get(consensusAddress);
        }
    }

    /** What the header check learned: the block's proposer, and who signed its last_commit (null at height 1). */
    public record Checked(Validator proposer, Set<String> lastCommitSigners) {}

    /**
     * Every header rule that needs neither execution nor a clock, cheap ones first: the block follows
     * {@code parent}, is for this chain, is later than its parent, comes from the proposer of its round, commits to
     * the right validator sets, carries a valid certificate of its parent and the evidence its header names, keeps
     * to the limits, and carries its proposer's signature.
     */
    public static Checked check(Block block, Block parent, NetworkParams params, Sets sets)
            throws InvalidBlockException {
        BlockHeader h = block.header();
        checkFollows(h, parent);
        if (!h.chainId().equals(params.chainId())) {
            throw new InvalidBlockException("block for chain " + h.chainId() + " sent to " + params.chainId());
        }
        checkTimestamp(h, parent.header());
        Validator proposer = checkProposer(h, sets.current());
        checkValidatorHashes(h, sets);
        checkLimits(block, params);
        checkEvidenceHash(block);
        checkSignature(block, proposer);
        return new Checked(proposer, checkLastCommit(block, params, sets.previous()));
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

    /**
     * The proposer is the one the height's set names for the header's round ({@link ValidatorSet#proposer}, the rule
     * consensus uses too).
     */
    static Validator checkProposer(BlockHeader h, ValidatorSet set) throws InvalidBlockException {
        if (h.round() > Rounds.MAX) {
            throw new InvalidBlockException("round " + h.round() + " is beyond the largest round " + Rounds.MAX);
        }
        Validator expected = set.proposer((int) h.round());
        if (!expected.address().equals(h.proposerAddress())) {
            throw new InvalidBlockException("proposer of height " + h.height() + " round " + h.round() + " is "
                    + expected.address() + ", not " + h.proposerAddress()
                    + (set.byAddress(h.proposerAddress()) == null ? " (not a validator of this height)" : ""));
        }
        return expected;
    }

    /** validators_hash and next_validators_hash are those of the sets in effect at this height and the next. */
    static void checkValidatorHashes(BlockHeader h, Sets sets) throws InvalidBlockException {
        String current = sets.current().hashHex();
        if (!current.equals(h.validatorsHash())) {
            throw new InvalidBlockException("validators_hash " + h.validatorsHash() + " != " + current
                    + " of the validator set of height " + h.height());
        }
        if (!sets.nextHash().equals(h.nextValidatorsHash())) {
            throw new InvalidBlockException("next_validators_hash " + h.nextValidatorsHash() + " != " + sets.nextHash()
                    + " of the validator set of height " + (h.height() + 1));
        }
    }

    /** evidence_hash covers the evidence carried, of at most {@link Block#MAX_EVIDENCE} items. */
    static void checkEvidenceHash(Block b) throws InvalidBlockException {
        if (b.evidence().size() > Block.MAX_EVIDENCE) {
            throw new InvalidBlockException(b.evidence().size() + " evidence items exceed " + Block.MAX_EVIDENCE);
        }
        String hash = Block.evidenceHash(b.evidence());
        if (!hash.equals(b.header().evidenceHash())) {
            throw new InvalidBlockException("evidence_hash '" + b.header().evidenceHash() + "' != '" + hash
                    + "' of the evidence carried");
        }
    }

    /** last_commit_hash covers the block's last_commit, which {@link #lastCommitSigners} accepts. */
    static Set<String> checkLastCommit(Block b, NetworkParams params, ValidatorSet previous)
            throws InvalidBlockException {
        BlockHeader h = b.header();
        String hash = Block.lastCommitHash(b.lastCommit());
        if (!hash.equals(h.lastCommitHash())) {
            throw new InvalidBlockException("last_commit_hash '" + h.lastCommitHash() + "' != '" + hash
                    + "' of the last_commit carried");
        }
        return lastCommitSigners(b.lastCommit(), h.height(), h.prevHash(), params, previous);
    }

    /**
     * The last_commit of a block at {@code height} on the parent {@code prevHash}: none at height 1; after it, a
     * certificate of the parent (its height, round and hash) whose signatures are valid precommits of distinct
     * members of the parent's set holding more than 2/3 of its power ({@link CommitVerifier}), in set order. Returns
     * the consensus addresses that signed it (null at height 1), which liveness counts.
     */
    public static Set<String> lastCommitSigners(JsonNode lastCommit, long height, String prevHash,
                                                NetworkParams params, ValidatorSet previous)
            throws InvalidBlockException {
        if (height == 1) {
            if (lastCommit != null) throw new InvalidBlockException("block 1 has no last_commit (genesis has none)");
            return null;
        }
        if (lastCommit == null) {
            throw new InvalidBlockException("block " + height + " carries no last_commit (the certificate of block "
                    + (height - 1) + ")");
        }
        CommitCertificate cert;
        try {
            cert = CommitCertificate.fromJson(lastCommit, height - 1, prevHash);
        } catch (IllegalArgumentException e) {
            throw new InvalidBlockException("last_commit is malformed: " + e.getMessage());
        }
        try {
            new CommitVerifier(params.chainId(), MlDsaSignatures.VERIFIER).verify(previous, height - 1, prevHash, cert);
        } catch (InvalidCommitException e) {
            throw new InvalidBlockException("last_commit does not prove block " + (height - 1) + ": " + e.getMessage());
        }
        Set<String> signers = new LinkedHashSet<>();
        int last = -1;
        for (CommitSignature s : cert.signatures()) {
            int i = previous.indexOf(s.validatorAddress());
            if (i <= last) throw new InvalidBlockException("last_commit signatures are not in validator set order");
            last = i;
            signers.add(s.validatorAddress());
        }
        return signers;
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
    static void checkSignature(Block b, Validator proposer) throws InvalidBlockException {
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
