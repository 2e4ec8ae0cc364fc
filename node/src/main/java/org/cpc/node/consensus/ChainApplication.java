package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Chain;
import org.cpc.chain.InvalidBlockException;
import org.cpc.consensus.Application;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.Decision;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;

/**
 * Consensus's {@link Application} over the {@link Chain} facade and this validator's ML-DSA-65 key: proposals are
 * {@code chain.propose} signed with {@link BlockSigner}; validity is {@code chain.validate}; a decision is
 * {@code chain.commit(block, certificate JSON)} — block and certificate in one atomic write.
 */
public final class ChainApplication implements Application<Block> {
    /**
     * A block this node proposed and committed, how long it took from the start of its building to durable commit,
     * and whether it was built in the commit pause ({@link #prepare}).
     */
    public record Produced(Block block, long nanos, boolean prepared) {}

    /** When the building of a proposal of ours started, and whether in the commit pause. */
    private record Proposed(long t0, boolean prepared) {}

    private final Chain chain;
    private final ValidatorKey key;
    private final Consumer<Produced> onProduced;
    private final EvidenceStore evidence;
    /** Proposal start times of our own blocks by hash, until they are committed (cleared on every commit). */
    private final ConcurrentMap<String, Proposed> proposedAt = new ConcurrentHashMap<>();
    /** A full block built in the commit pause for round 0 of the next height, and what it was built on. */
    private Prepared prepared;

    private record Prepared(long height, String parentHash, String proposer, CommitCertificate lastCommit,
                            Block block, long t0) {}

    /** @param key this validator's key; null for a node that follows consensus without proposing */
    /** @param evidence the equivocations this node saw, offered to each block it proposes */
    public ChainApplication(Chain chain, ValidatorKey key, Consumer<Produced> onProduced, EvidenceStore evidence) {
        this.chain = chain;
        this.key = key;
        this.onProduced = onProduced;
        this.evidence = evidence;
    }

    @Override
    public String hashHex(Block block) {
        return block.hashHex();
    }

    @Override
    public Block propose(long height, int round, String proposerAddress, long timestampMs,
                         CommitCertificate lastCommit) {
        Prepared p = prepared;
        prepared = null;
        if (p != null && p.height() == height && round == 0 && p.proposer().equals(proposerAddress)
                && Objects.equals(p.lastCommit(), lastCommit) && p.parentHash().equals(chain.head().hashHex())) {
            proposedAt.put(p.block().hashHex(), new Proposed(p.t0(), true));
            return p.block();
        }
        return build(height, round, proposerAddress, timestampMs, lastCommit);
    }

    /**
     * Builds round 0's block in the commit pause, and keeps it only when it is full (the gas limit or
     * {@code max_block_txs} reached): then nothing arriving during the pause could have joined it anyway, and the
     * pause and the build overlap instead of adding up. A block with room is built again when proposed, so that
     * under light load a transaction sent during the pause is not held back a block.
     */
    @Override
    public void prepare(long height, String proposerAddress, long timestampMs, CommitCertificate lastCommit) {
        prepared = null;
        if (key == null || chain.head().header().height() + 1 != height) return;
        long t0 = System.nanoTime();
        Block block = build(height, 0, proposerAddress, timestampMs, lastCommit);
        if (!full(block)) return;
        prepared = new Prepared(height, block.header().prevHash(), proposerAddress, lastCommit, block, t0);
    }

    /** No transaction, not even the cheapest (a transfer), would have fitted. */
    private boolean full(Block block) {
        return block.header().gasLimit() - block.header().gasUsed() < GasSchedule.TRANSFER_GAS
                || block.transactions().size() >= chain.params().maxBlockTxs();
    }

    private Block build(long height, int round, String proposerAddress, long timestampMs,
                        CommitCertificate lastCommit) {
        if (key == null) throw new IllegalStateException("a non-validator was asked to propose height " + height);
        long t0 = System.nanoTime();
        Block head = chain.head();
        if (head.header().height() + 1 != height) {
            throw new IllegalStateException("asked to propose height " + height + " on head " + head.header().height());
        }
        // A block's timestamp must move forward even if the wall clock steps back (NTP) or two blocks fall in
        // the same millisecond.
        long now = Math.max(timestampMs, head.header().timestamp() + 1);
        // Evidence young enough to count; the chain leaves out what no longer applies (already slashed).
        long minHeight = Math.max(0, height - chain.params().staking().evidenceMaxAgeBlocks());
        List<JsonNode> offered = evidence.forBlock(minHeight, Block.MAX_EVIDENCE);
        Block block = BlockSigner.sign(chain.propose(proposerAddress, round, now,
                lastCommit == null ? null : lastCommit.toJson(), offered), key.privateKey());
        proposedAt.put(block.hashHex(), new Proposed(t0, false));
        return block;
    }

    @Override
    public boolean validate(long height, Block block) {
        if (block.header().height() != height) return false;
        try {
            chain.validate(block);
            return true;
        } catch (InvalidBlockException e) {
            return false;
        }
    }

    @Override
    public void commit(long height, Block block, CommitCertificate certificate) {
        if (block.header().height() != height) {
            throw new IllegalStateException("decided block has height " + block.header().height() + ", not " + height);
        }
        if (alreadyCommitted(height, block)) return;
        try {
            chain.commit(block, certificate.toJson());
        } catch (InvalidBlockException e) {
            if (alreadyCommitted(height, block)) return; // block sync won the race between the check and the commit
            // Consensus decided a block this chain refuses: the chain cannot follow its own validators.
            throw new IllegalStateException("cannot commit the decided block " + block.hashHex() + " at height "
                    + height + ": " + e.getMessage(), e);
        }
        Proposed ours = proposedAt.get(block.hashHex());
        proposedAt.clear();
        if (ours != null) onProduced.accept(new Produced(block, System.nanoTime() - ours.t0(), ours.prepared()));
    }

    /**
     * Whether block sync committed this height first (from another peer's certificate). BFT safety makes it the
     * same block; a different one means the chain forked, which must not pass silently.
     */
    private boolean alreadyCommitted(long height, Block block) {
        if (chain.head().header().height() < height) return false;
        String have = chain.block(height).map(Block::hashHex).orElse(null);
        if (block.hashHex().equals(have)) return true;
        throw new IllegalStateException("consensus decided " + block.hashHex() + " at height " + height
                + " but the chain already holds " + have);
    }

    @Override
    public Optional<Decision<Block>> committed(long height) {
        Optional<Block> block = chain.block(height);
        Optional<JsonNode> cert = chain.commitOf(height);
        if (block.isEmpty() || cert.isEmpty()) return Optional.empty();
        Block b = block.get();
        return Optional.of(new Decision<>(height, b, CommitCertificate.fromJson(cert.get(), height, b.hashHex())));
    }
}
