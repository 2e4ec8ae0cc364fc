package org.cpc.consensus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The certificate of the height this machine decided last, as it decided it, with every later precommit for the same
 * block and round added: the next block's {@code last_commit}, which counts a validator whose precommit came after
 * the quorum as live. The signatures are in set order (the order {@code last_commit} carries them in); a late
 * precommit gives a new value.
 *
 * @param validators the set of the decided height
 */
record LastCommit(CommitCertificate certificate, ValidatorSet validators) {
    /** The certificate a height was decided with, its signatures put in set order. */
    static LastCommit of(CommitCertificate c, ValidatorSet validators) {
        List<CommitSignature> sigs = new ArrayList<>(c.signatures());
        sigs.sort(Comparator.comparingInt(s -> validators.indexOf(s.validatorAddress())));
        return new LastCommit(new CommitCertificate(c.height(), c.round(), c.blockHash(), sigs), validators);
    }

    /**
     * The validator whose signature {@code v} should carry, if {@code v} is a precommit for the decided block and
     * round by a member whose signature is not in yet; else null. The caller checks the signature.
     */
    Validator lateSigner(Vote v) {
        CommitCertificate c = certificate;
        if (v.type() != VoteType.PRECOMMIT || v.round() != c.round() || !c.blockHash().equals(v.blockHash())) return null;
        int at = validators.indexOf(v.validatorAddress());
        if (at < 0) return null;
        for (CommitSignature s : c.signatures()) if (s.validatorAddress().equals(v.validatorAddress())) return null;
        return validators.get(at);
    }

    /** With late precommit {@code v} (see {@link #lateSigner}, its signature checked) in its place in set order. */
    LastCommit with(Vote v) {
        CommitCertificate c = certificate;
        List<CommitSignature> sigs = new ArrayList<>(c.signatures());
        sigs.add(new CommitSignature(v.validatorAddress(), v.signature()));
        return of(new CommitCertificate(c.height(), c.round(), c.blockHash(), sigs), validators);
    }
}
