package org.cpc.consensus;

import java.util.Objects;

/**
 * A signed prevote or precommit.
 *
 * @param blockHash hex SHA-256 block hash voted for, or {@code null} for a vote for nil
 * @param validatorAddress the voter's {@code cpcvalcons...} address
 * @param signature hex ML-DSA-65 signature over {@link SignBytes#vote} (or the simulation's stand-in)
 */
public record Vote(VoteType type, long height, int round, String blockHash, String validatorAddress, String signature)
        implements ConsensusMessage {
    public Vote {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(validatorAddress, "validatorAddress");
        if (height < 0) throw new IllegalArgumentException("vote height < 0");
        if (round < 0) throw new IllegalArgumentException("vote round < 0");
    }

    public boolean isNil() {
        return blockHash == null;
    }

    /** Same vote content (everything but the signature, which ML-DSA's hedged signing makes differ). */
    public boolean sameContent(Vote o) {
        return type == o.type && height == o.height && round == o.round && Objects.equals(blockHash, o.blockHash)
                && validatorAddress.equals(o.validatorAddress);
    }

    public Vote withSignature(String sig) {
        return new Vote(type, height, round, blockHash, validatorAddress, sig);
    }
}
