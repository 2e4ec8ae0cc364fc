package org.cpc.consensus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The votes of one (height, round, type). The power behind a value counts every distinct validator whose signed
 * vote for that value this node has received — including an equivocator's second, conflicting vote. That is what
 * the paper's rules count ("2f+1 ⟨PREVOTE, h, r, id(v)⟩ received"), and it is needed for liveness: if one node
 * counted an equivocator only for its first vote, honest nodes could see different polkas forever (the
 * simulation found exactly that deadlock). It is safe: two values can both reach more than 2/3 only if more than
 * 1/3 of the power equivocates. {@link #totalPower} counts each validator once.
 *
 * <p>Memory is bounded: a validator's first vote is always kept; a conflicting one only when the caller allows it
 * (the machine allows nil and blocks proposed at this height), so an equivocator cannot fill memory with votes for
 * made-up hashes. HashMaps are only looked up; anything that leaves this class is in validator-set order.
 */
final class VoteSet {
    static final String NIL = "nil"; // key for votes for nil; never a hex hash

    enum Added { ADDED, DUPLICATE, CONFLICT_ADDED, CONFLICT_DROPPED }

    private final ValidatorSet validators;
    private final Map<String, Vote> first = new HashMap<>();
    private final Map<String, Map<String, Vote>> byValue = new HashMap<>();
    private final Map<String, Long> powerByValue = new HashMap<>();
    private long total;

    VoteSet(ValidatorSet validators) {
        this.validators = validators;
    }

    static String key(String blockHash) {
        return blockHash == null ? NIL : blockHash;
    }

    /** The first vote received from this validator. */
    Vote first(String validatorAddress) {
        return first.get(validatorAddress);
    }

    /** Whether a vote of this validator for this value is already here. */
    boolean contains(Vote v) {
        Map<String, Vote> m = byValue.get(key(v.blockHash()));
        return m != null && m.containsKey(v.validatorAddress());
    }

    Added add(Vote v, long power, boolean acceptConflicting) {
        if (contains(v)) return Added.DUPLICATE;
        boolean conflict = first.putIfAbsent(v.validatorAddress(), v) != null;
        if (conflict && !acceptConflicting) return Added.CONFLICT_DROPPED;
        byValue.computeIfAbsent(key(v.blockHash()), k -> new HashMap<>()).put(v.validatorAddress(), v);
        powerByValue.merge(key(v.blockHash()), power, Long::sum);
        if (!conflict) total += power;
        return conflict ? Added.CONFLICT_ADDED : Added.ADDED;
    }

    /** Forgets every vote of a validator here. */
    void remove(String validatorAddress, long power) {
        if (first.remove(validatorAddress) == null) return;
        total -= power;
        for (Map.Entry<String, Map<String, Vote>> e : byValue.entrySet()) {
            if (e.getValue().remove(validatorAddress) != null) powerByValue.merge(e.getKey(), -power, Long::sum);
        }
    }

    /** Power of the distinct validators voting for {@code blockHash} (null: for nil). */
    long power(String blockHash) {
        return powerByValue.getOrDefault(key(blockHash), 0L);
    }

    /** Power of the distinct validators with any vote here. */
    long totalPower() {
        return total;
    }

    /**
     * A block hash with more than 2/3 of the power, or null. Below 1/3 Byzantine power there is at most one; beyond
     * that the smallest is returned so the choice is still deterministic.
     */
    String quorumBlock() {
        TreeMap<String, Long> qualifying = new TreeMap<>();
        for (Map.Entry<String, Long> e : powerByValue.entrySet()) {
            if (!e.getKey().equals(NIL) && validators.isQuorum(e.getValue())) qualifying.put(e.getKey(), e.getValue());
        }
        return qualifying.isEmpty() ? null : qualifying.firstKey();
    }

    /** Votes for {@code blockHash}, in validator-set order. */
    List<Vote> votesFor(String blockHash) {
        Map<String, Vote> m = byValue.get(key(blockHash));
        return m == null ? List.of() : sorted(m.values());
    }

    /** Every vote here (conflicting ones too: relaying them spreads the evidence), in a deterministic order. */
    List<Vote> all() {
        List<Vote> list = new ArrayList<>();
        for (Map<String, Vote> m : byValue.values()) list.addAll(m.values());
        list.sort(Comparator.<Vote>comparingInt(v -> validators.indexOf(v.validatorAddress()))
                .thenComparing(v -> key(v.blockHash())));
        return list;
    }

    /** Distinct voters, in validator-set order. */
    Collection<String> voters() {
        List<String> list = new ArrayList<>(first.keySet());
        list.sort(Comparator.comparingInt(validators::indexOf));
        return list;
    }

    private List<Vote> sorted(Collection<Vote> votes) {
        List<Vote> list = new ArrayList<>(votes);
        list.sort(Comparator.comparingInt(v -> validators.indexOf(v.validatorAddress())));
        return list;
    }
}
