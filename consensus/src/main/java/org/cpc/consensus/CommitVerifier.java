package org.cpc.consensus;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks that a commit certificate proves a block final: every signature is a valid precommit of a distinct member
 * of the height's validator set for exactly this (chain, height, round, block hash), and together they hold more
 * than 2/3 of the power. Used by the state machine for {@link Decision}s from block sync, and by anyone who serves
 * or follows blocks (light clients, block sync, {@code GET /block/{height}} consumers).
 */
public final class CommitVerifier {
    private final String chainId;
    private final SignatureVerifier verifier;

    public CommitVerifier(String chainId, SignatureVerifier verifier) {
        this.chainId = chainId;
        this.verifier = verifier;
    }

    public void verify(ValidatorSet validators, long height, String blockHash, CommitCertificate cert)
            throws InvalidCommitException {
        if (cert.height() != height) {
            throw new InvalidCommitException("commit is for height " + cert.height() + ", block is " + height);
        }
        if (!cert.blockHash().equals(blockHash)) {
            throw new InvalidCommitException("commit is for block " + cert.blockHash() + ", not " + blockHash);
        }
        if (cert.round() < 0) throw new InvalidCommitException("commit round < 0");
        Set<String> seen = new HashSet<>();
        long power = 0;
        for (CommitSignature s : cert.signatures()) {
            Validator v = validators.byAddress(s.validatorAddress());
            if (v == null) throw new InvalidCommitException(s.validatorAddress() + " is not a validator at height " + height);
            if (!seen.add(v.address())) throw new InvalidCommitException("two signatures from " + v.address());
            if (!verifier.verify(v, SignBytes.vote(chainId, cert.precommitOf(s)), s.signature())) {
                throw new InvalidCommitException("bad precommit signature from " + v.address());
            }
            power += v.power();
        }
        if (!validators.isQuorum(power)) {
            throw new InvalidCommitException("commit has power " + power + " of " + validators.totalPower()
                    + ", needs more than 2/3");
        }
    }

    public boolean isValid(ValidatorSet validators, long height, String blockHash, CommitCertificate cert) {
        try {
            verify(validators, height, blockHash, cert);
            return true;
        } catch (InvalidCommitException e) {
            return false;
        }
    }
}
