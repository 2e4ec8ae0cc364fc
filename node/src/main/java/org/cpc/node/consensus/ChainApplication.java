package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
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
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;

/**
 * Consensus's {@link Application} over the {@link Chain} facade and this validator's ML-DSA-65 key: proposals are
 * {@code chain.propose} signed with {@link BlockSigner}; validity is {@code chain.validate}; a decision is
 * {@code chain.commit(block, certificate JSON)} — block and certificate in one atomic write.
 */
public final class ChainApplication implements Application<Block> {
    /** A block this node proposed and committed, and how long it took from proposal to durable commit. */
    public record Produced(Block block, long nanos) {}

    private final Chain chain;
    private final ValidatorKey key;
    private final Consumer<Produced> onProduced;
    private final EvidenceStore evidence;
    /** Proposal start times of our own blocks by hash, until they are committed (cleared on every commit). */
    private final ConcurrentMap<String, Long> proposedAt = new ConcurrentHashMap<>();

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
        proposedAt.put(block.hashHex(), t0);
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
        Long t0 = proposedAt.get(block.hashHex());
        proposedAt.clear();
        if (t0 != null) onProduced.accept(new Produced(block, System.nanoTime() - t0));
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
