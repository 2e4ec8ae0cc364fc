package org.cpc.consensus;

import java.util.HashSet;
import java.util.Set;

/**
 * What the machine has done already at one height, for the steps it takes at most once there: the rules the paper
 * fires "for the first time" in a round (L34 and L47 schedule a timeout, L36 acts on a polka), a vote signed per
 * (round, type) (a guard against bugs: the algorithm never asks for a second), an evidence record per (validator,
 * round, type), a validation request per block and a proposal request per round. A fresh one at each height, so that
 * none of it is carried over. Bounded by the rounds reached, the conflicting votes kept ({@link HeightVotes}) and the
 * blocks seen at the height ({@link HeightProposals}, a decision's).
 */
final class HeightOnce {
    private final Set<Integer> prevoteTimeouts = new HashSet<>();
    private final Set<Integer> precommitTimeouts = new HashSet<>();
    private final Set<Integer> polkas = new HashSet<>();
    private final Set<String> signedVotes = new HashSet<>();
    private final Set<String> evidence = new HashSet<>();
    private final Set<String> validationRequests = new HashSet<>();
    private int proposalRequestRound = -1;

    /** True the first time for {@code round}: L34 schedules its prevote timeout. */
    boolean firstPrevoteTimeout(int round) {
        return prevoteTimeouts.add(round);
    }

    /** True the first time for {@code round}: L47 schedules its precommit timeout. */
    boolean firstPrecommitTimeout(int round) {
        return precommitTimeouts.add(round);
    }

    /** Whether L36 has acted on the polka of {@code round}. */
    boolean polkaHandled(int round) {
        return polkas.contains(round);
    }

    void handlePolka(int round) {
        polkas.add(round);
    }

    /** True the first time for this (round, type): the vote may be signed. */
    boolean firstVote(int round, VoteType type) {
        return signedVotes.add(round + "/" + type);
    }

    /** True the first time {@code v}'s validator is caught voting twice in its (round, type). */
    boolean firstEvidence(Vote v) {
        return evidence.add(v.validatorAddress() + "/" + v.round() + "/" + v.type());
    }

    /** True the first time the application is asked whether the block of {@code hash} is valid. */
    boolean firstValidationRequest(String hash) {
        return validationRequests.add(hash);
    }

    /** True if {@code round}'s block was not the last one asked of the application. */
    boolean firstProposalRequest(int round) {
        if (proposalRequestRound == round) return false;
        proposalRequestRound = round;
        return true;
    }
}
