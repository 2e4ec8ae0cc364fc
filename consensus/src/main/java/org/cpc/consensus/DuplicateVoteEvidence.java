package org.cpc.consensus;

/**
 * Proof that a validator equivocated: two votes, both validly signed by it, of the same type, height and round for
 * different values (a block and another block, or a block and nil). Anyone holding the validator set can check it
 * again ({@link #verify}); slashing will consume it.
 */
public record DuplicateVoteEvidence(Vote first, Vote second) {
    public DuplicateVoteEvidence {
        if (first.type() != second.type() || first.height() != second.height() || first.round() != second.round()
                || !first.validatorAddress().equals(second.validatorAddress())) {
            throw new IllegalArgumentException("votes are not from one validator at one height, round and type");
        }
        if (java.util.Objects.equals(first.blockHash(), second.blockHash())) {
            throw new IllegalArgumentException("votes do not conflict");
        }
    }

    public String validatorAddress() {
        return first.validatorAddress();
    }

    public long height() {
        return first.height();
    }

    /** True when both votes carry valid signatures of the validator under {@code chainId}. */
    public boolean verify(String chainId, ValidatorSet validators, SignatureVerifier verifier) {
        Validator v = validators.byAddress(validatorAddress());
        return v != null
                && verifier.verify(v, SignBytes.vote(chainId, first), first.signature())
                && verifier.verify(v, SignBytes.vote(chainId, second), second.signature());
    }
}
