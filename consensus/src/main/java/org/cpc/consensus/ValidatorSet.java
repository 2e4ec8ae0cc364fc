package org.cpc.consensus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The validators of one height, in genesis order (the order the proposer schedule breaks ties by), with their
 * voting power. Quorums are by power: {@link #isQuorum} is "more than 2/3" (2f+1 of the paper),
 * {@link #isOneThird} is "more than 1/3" (f+1: at least one honest validator). Immutable.
 */
public final class ValidatorSet {
    /** Total power is kept below 2^53 so that any sum of powers is exact in JSON and far from overflow. */
    public static final long MAX_TOTAL_POWER = (1L << 53) - 1;

    private final List<Validator> validators;
    private final Map<String, Integer> index = new HashMap<>();
    private final long totalPower;
    private final ProposerSelection selection;

    public ValidatorSet(List<Validator> validators) {
        if (validators.isEmpty()) throw new IllegalArgumentException("empty validator set");
        this.validators = List.copyOf(validators);
        long total = 0;
        for (int i = 0; i < this.validators.size(); i++) {
            Validator v = this.validators.get(i);
            if (index.put(v.address(), i) != null) throw new IllegalArgumentException("duplicate validator " + v.address());
            total += v.power();
            if (total > MAX_TOTAL_POWER) throw new IllegalArgumentException("total voting power exceeds 2^53 - 1");
        }
        this.totalPower = total;
        List<Long> powers = new ArrayList<>(this.validators.size());
        for (Validator v : this.validators) powers.add(v.power());
        this.selection = new ProposerSelection(powers);
    }

    public List<Validator> validators() {
        return validators;
    }

    public int size() {
        return validators.size();
    }

    public long totalPower() {
        return totalPower;
    }

    public Validator get(int i) {
        return validators.get(i);
    }

    /** The validator with this address, or null. */
    public Validator byAddress(String address) {
        Integer i = address == null ? null : index.get(address);
        return i == null ? null : validators.get(i);
    }

    /** Position in genesis order, or -1. */
    public int indexOf(String address) {
        Integer i = address == null ? null : index.get(address);
        return i == null ? -1 : i;
    }

    /** More than 2/3 of the total power. */
    public boolean isQuorum(long power) {
        return 3 * power > 2 * totalPower;
    }

    /** More than 1/3 of the total power: at least one honest validator when fewer than 1/3 are faulty. */
    public boolean isOneThird(long power) {
        return 3 * power > totalPower;
    }

    /** The proposer of (height, round): {@link ProposerSelection}, weighted round-robin over {@code height + round}. */
    public Validator proposer(long height, int round) {
        return validators.get(selection.proposerIndex(height + round));
    }
}
