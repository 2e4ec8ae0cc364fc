package org.cpc.consensus;

/**
 * What validators send each other. {@link Proposal} and {@link Vote} are the messages of the algorithm;
 * {@link Decision} (a committed block with its commit certificate) is the block-sync message that lets a node that
 * fell behind catch up. All three are self-authenticating (signed), so any peer may relay them.
 */
public sealed interface ConsensusMessage permits Proposal, Vote, Decision {
    long height();
}
