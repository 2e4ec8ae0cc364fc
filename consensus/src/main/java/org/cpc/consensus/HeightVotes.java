package org.cpc.consensus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * All votes of one height, by round. Memory is bounded against Byzantine validators that sign votes for endless
 * future rounds: for rounds beyond {@code current + 1} each validator keeps votes in at most one round (its
 * highest), which is all the f+1 round skip and a late commit need.
 */
final class HeightVotes {
    enum Result { ADDED, DUPLICATE, CONFLICT, IGNORED }

    /** {@code existing}: for a conflict, the validator's first vote of that (round, type). */
    record Added(Result result, Vote existing) {}

    private final ValidatorSet validators;
    private final TreeMap<Integer, VoteSet[]> rounds = new TreeMap<>();
    private final Map<String, Integer> farRound = new HashMap<>();

    HeightVotes(ValidatorSet validators) {
        this.validators = validators;
    }

    VoteSet set(int round, VoteType type) {
        VoteSet[] s = rounds.get(round);
        return s == null ? null : s[type.ordinal()];
    }

    /** Whether this validator's vote for this value (round, type) is already counted. */
    boolean contains(Vote v) {
        VoteSet s = set(v.round(), v.type());
        return s != null && s.contains(v);
    }

    long power(int round, VoteType type, String blockHash) {
        VoteSet s = set(round, type);
        return s == null ? 0 : s.power(blockHash);
    }

    long totalPower(int round, VoteType type) {
        VoteSet s = set(round, type);
        return s == null ? 0 : s.totalPower();
    }

    /**
     * Adds a vote whose signature is already checked. A vote conflicting with the validator's first one of that
     * (round, type) is counted only if {@code acceptConflicting}; it is reported as a conflict either way.
     */
    Added add(Vote v, Validator validator, int currentRound, boolean acceptConflicting) {
        if (contains(v)) return new Added(Result.DUPLICATE, null);
        VoteSet existingSet = set(v.round(), v.type());
        Vote first = existingSet == null ? null : existingSet.first(v.validatorAddress());
        if (first != null) {
            existingSet.add(v, validator.power(), acceptConflicting);
            return new Added(Result.CONFLICT, first);
        }
        if (v.round() > currentRound + 1) {
            Integer kept = farRound.get(v.validatorAddress());
            if (kept != null && kept != v.round() && kept > currentRound + 1) {
                if (v.round() < kept) return new Added(Result.IGNORED, null);
                for (VoteType t : VoteType.values()) {
                    VoteSet s = set(kept, t);
                    if (s != null) s.remove(v.validatorAddress(), validator.power());
                }
            }
            farRound.put(v.validatorAddress(), v.round());
        }
        VoteSet[] s = rounds.computeIfAbsent(v.round(), r -> new VoteSet[] {new VoteSet(validators), new VoteSet(validators)});
        s[v.type().ordinal()].add(v, validator.power(), acceptConflicting);
        return new Added(Result.ADDED, null);
    }

    /**
     * The highest round above {@code currentRound} in which validators holding more than 1/3 of the power have
     * voted (any type), or -1.
     */
    int highestRoundWithOneThird(int currentRound) {
        for (Integer r : rounds.descendingKeySet()) {
            if (r <= currentRound) break;
            Set<String> voters = new HashSet<>();
            long power = 0;
            for (VoteSet s : rounds.get(r)) {
                for (String a : s.voters()) if (voters.add(a)) power += validators.byAddress(a).power();
            }
            if (validators.isOneThird(power)) return r;
        }
        return -1;
    }

    /** Every vote of {@code round}, prevotes first (see {@link VoteSet#all}). */
    List<Vote> all(int round) {
        List<Vote> all = new ArrayList<>();
        for (VoteType t : VoteType.values()) {
            VoteSet s = set(round, t);
            if (s != null) all.addAll(s.all());
        }
        return all;
    }

    /** Rounds that have votes, ascending. */
    List<Integer> rounds() {
        return new ArrayList<>(rounds.keySet());
    }
}
