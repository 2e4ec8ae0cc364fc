package org.cpc.consensus;

/**
 * What the state machine asks its driver to do. The driver executes actions in order; answers (a proposed block,
 * a validity verdict, a fired timeout) come back as inputs to {@link TendermintMachine}.
 */
public sealed interface Action<B> {
    /** Send a proposal to every validator (the machine has already taken it into account itself). */
    record BroadcastProposal<B>(Proposal<B> proposal) implements Action<B> {}

    /** Send a vote to every validator (the machine has already counted it). */
    record BroadcastVote<B>(Vote vote) implements Action<B> {}

    /** Call {@link TendermintMachine#onTimeout} with {@code timeout} after {@code delayMs}. */
    record ScheduleTimeout<B>(Timeout timeout, long delayMs) implements Action<B> {}

    /**
     * This validator proposes (height, round) and has no valid value to re-propose: ask the application for a new
     * block and pass it to {@link TendermintMachine#onProposalValue}. {@code lastCommit} is the previous height's
     * certificate with every precommit this node holds for it, for the block's {@code last_commit}; null when the
     * machine did not decide that height itself (after a restart), and the application uses the stored one.
     */
    record RequestProposal<B>(long height, int round, String proposerAddress, CommitCertificate lastCommit)
            implements Action<B> {}

    /**
     * This validator proposes round 0 of the height the machine just entered, once the commit pause is over: the
     * application may build that block now, in the pause, and hand it back when {@link RequestProposal} comes, if
     * nothing it was built on has changed by then. Only a hint; {@code lastCommit} as in {@link RequestProposal}.
     */
    record PrepareProposal<B>(long height, String proposerAddress, CommitCertificate lastCommit)
            implements Action<B> {}

    /**
     * Ask the application whether {@code block} is a valid block for {@code height} (on top of the committed
     * chain) and pass the verdict to {@link TendermintMachine#onValidity}. Asked once per block hash and height.
     */
    record RequestValidation<B>(long height, B block, String blockHash) implements Action<B> {}

    /** The block of {@code height} is decided: commit it with its certificate. The machine is now at height + 1. */
    record Commit<B>(long height, B block, CommitCertificate certificate) implements Action<B> {}

    /** A validator equivocated; keep the evidence (and later gossip it and put it into a block for slashing). */
    record RecordEvidence<B>(DuplicateVoteEvidence evidence) implements Action<B> {}
}
