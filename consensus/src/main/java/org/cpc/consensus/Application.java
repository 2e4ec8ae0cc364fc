package org.cpc.consensus;

import java.util.Optional;

/**
 * The seam between consensus and the state machine, mirroring {@code org.cpc.chain.Chain}: consensus proposes,
 * validates and commits whole blocks and never touches state. The node adapts {@code LocalChain} in a few lines:
 * {@code propose} → {@code chain.propose(proposer, round, now)} then {@code BlockSigner.sign}; {@code validate} →
 * {@code chain.validate(block)}; {@code commit} → {@code chain.commit(block)} plus storing the certificate;
 * {@code hashHex} → {@code block.hashHex()}. {@link ConsensusDriver} calls it; the state machine itself only emits
 * {@link Action}s.
 */
public interface Application<B> extends BlockHasher<B> {
    /**
     * A new block for {@code height} (the next one), built by this validator as proposer of {@code round}, carrying
     * {@code lastCommit} (the previous height's certificate with every precommit held for it) or, when null, the
     * stored certificate of the previous height.
     */
    B propose(long height, int round, String proposerAddress, long timestampMs, CommitCertificate lastCommit);

    /**
     * Called in the commit pause when this validator will propose round 0 of {@code height}: the application may
     * build that block now and return it from {@link #propose} if asked for the same (height, round 0, proposer,
     * last commit) on the same head. Does nothing by default.
     */
    default void prepare(long height, String proposerAddress, long timestampMs, CommitCertificate lastCommit) {}

    /** Whether {@code block} is a valid next block for {@code height} on top of the committed chain. Pure. */
    boolean validate(long height, B block);

    /** Commits the decided block of {@code height} with its certificate (atomically, durably). */
    void commit(long height, B block, CommitCertificate certificate);

    /** A committed block with its certificate, for block sync; empty if this node has not committed it. */
    Optional<Decision<B>> committed(long height);
}
