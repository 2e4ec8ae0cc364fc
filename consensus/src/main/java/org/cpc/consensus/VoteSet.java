package org.cpc.consensus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The votes of one (height, round, type): at most one per validator (the first one received; a conflicting second
 * one is evidence, not a vote), with the power behind each value. Because each validator counts once, at most one
 * value can hold more than 2/3 of the power. HashMaps are only looked up, never iterated into outputs; anything
 * that leaves this class is ordered by validator index.
 */
final class VoteSet {
    static final String NIL = "nil"; // key for votes for nil; never a hex hash

    private final ValidatorSet validators;
    private final Map<String, Vote> byValidator = new HashMap<>();
    private final Map<String, Long> powerByValue = new HashMap<>();
    private long total;

    VoteSet(ValidatorSet validators) {
        this.validators = validators;
    }

    static String key(String blockHash) {
        return blockHash == null ? NIL : blockHash;
    }

    Vote get(String validatorAddress) {
        return byValidator.get(validatorAddress);
    }

    /** Adds the first vote of its validator; returns false if the validator already has a vote here. */
    boolean add(Vote v, long power) {
        if (byValidator.putIfAbsent(v.validatorAddress(), v) != null) return false;
        powerByValue.merge(key(v.blockHash()), power, Long::sum);
        total += power;
        return true;
    }

    Vote remove(String validatorAddress, long power) {
        Vote v = byValidator.remove(validatorAddress);
        if (v != null) {
            powerByValue.merge(key(v.blockHash()), -power, Long::sum);
            total -= power;
        }
        return v;
    }

    /** Power voting for {@code blockHash} (null: for nil). */
    long power(String blockHash) {
        return powerByValue.getOrDefault(key(blockHash), 0L);
    }

    long totalPower() {
        return total;
    }

    boolean isEmpty() {
        return byValidator.isEmpty();
    }

    /** The block hash with more than 2/3 of the power, or null (none, or nil has it). */
    String quorumBlock() {
        for (Map.Entry<String, Long> e : powerByValue.entrySet()) { // at most one entry can qualify
            if (!e.getKey().equals(NIL) && validators.isQuorum(e.getValue())) return e.getKey();
        }
        return null;
    }

    /** Votes for {@code blockHash}, in validator-set order. */
    List<Vote> votesFor(String blockHash) {
        List<Vote> list = new ArrayList<>();
        for (Vote v : sorted(byValidator.values())) if (key(v.blockHash()).equals(key(blockHash))) list.add(v);
        return list;
    }

    List<Vote> all() {
        return sorted(byValidator.values());
    }

    private List<Vote> sorted(Collection<Vote> votes) {
        List<Vote> list = new ArrayList<>(votes);
        list.sort(Comparator.comparingInt(v -> validators.indexOf(v.validatorAddress())));
        return list;
    }
}
