package org.cpc.consensus;

import java.util.Objects;

/**
 * A proposer's signed proposal of a block for (height, round). {@code polRound} is the round of the proof-of-lock
 * (the round in which the block got +2/3 prevotes) when the proposer re-proposes its valid value, else -1. The
 * signer is not a field: it is the scheduled proposer of (height, round).
 *
 * @param signature hex signature over {@link SignBytes#proposal} (which binds the block through its hash)
 */
public record Proposal<B>(long height, int round, int polRound, B block, String signature) implements ConsensusMessage {
    public Proposal {
        Objects.requireNonNull(block, "block");
        if (height < 0) throw new IllegalArgumentException("proposal height < 0");
        if (round < 0) throw new IllegalArgumentException("proposal round < 0");
        if (polRound < -1 || polRound >= round && polRound != -1) {
            throw new IllegalArgumentException("proposal pol_round " + polRound + " must be -1 or in [0, " + round + ")");
        }
    }
}
