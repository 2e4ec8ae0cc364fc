package org.cpc.consensus;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.RecordJson;
import org.cpc.protocol.crypto.Sha256;

/**
 * The validators of one height, in set order (power descending, then operator address, as the chain chooses them),
 * with their voting power and proposer priorities ({@link ProposerSelection}). Quorums are by power:
 * {@link #isQuorum} is "more than 2/3" (2f+1 of the paper), {@link #isOneThird} is "more than 1/3" (f+1: at least
 * one honest validator). Immutable.
 */
public final class ValidatorSet {
    /** Total power is kept below 2^53 so that any sum of powers is exact in JSON and far from overflow. */
    public static final long MAX_TOTAL_POWER = (1L << 53) - 1;

    private final List<Validator> validators;
    private final Map<String, Integer> index = new HashMap<>();
    private final long totalPower;
    private final long[] powers;
    private final long[] priorities;
    /** Proposers of rounds 0, 1, … as far as asked: a pure function of the priorities, computed once. */
    private int[] proposers = new int[0];

    /** A set whose priorities are all zero: the first height of a chain. */
    public ValidatorSet(List<Validator> validators) {
        this(validators, new long[validators.size()]);
    }

    /** A set with the priorities of its height, one per validator in set order. */
    public ValidatorSet(List<Validator> validators, long[] priorities) {
        if (validators.isEmpty()) throw new IllegalArgumentException("empty validator set");
        if (priorities.length != validators.size()) {
            throw new IllegalArgumentException(priorities.length + " priorities for " + validators.size() + " validators");
        }
        this.validators = List.copyOf(validators);
        this.powers = new long[validators.size()];
        long total = 0;
        for (int i = 0; i < this.validators.size(); i++) {
            Validator v = this.validators.get(i);
            if (index.put(v.address(), i) != null) throw new IllegalArgumentException("duplicate validator " + v.address());
            powers[i] = v.power();
            total += v.power();
            if (total > MAX_TOTAL_POWER) throw new IllegalArgumentException("total voting power exceeds 2^53 - 1");
        }
        this.totalPower = total;
        this.priorities = priorities.clone();
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

    /** Position in set order, or -1. */
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

    /** This height's proposer priorities, in set order (a copy). */
    public long[] priorities() {
        return priorities.clone();
    }

    /** The proposer of {@code round} at this set's height ({@link ProposerSelection}). */
    public synchronized Validator proposer(int round) {
        Rounds.check(round, "round");
        if (round >= proposers.length) {
            int[] more = Arrays.copyOf(proposers, Math.max(round + 1, Math.min(2 * proposers.length, 1 << 16)));
            long[] p = priorities.clone();
            for (int r = 0; r < more.length; r++) {
                int chosen = ProposerSelection.step(p, powers, totalPower);
                if (r >= proposers.length) more[r] = chosen;
            }
            proposers = more;
        }
        return validators.get(proposers[round]);
    }

    /**
     * The set of the next height: {@code members} (in set order; the same list as this one when nothing changed)
     * with the priorities this set's carry into it ({@link ProposerSelection}).
     */
    public ValidatorSet next(List<Validator> members) {
        long[] p = priorities.clone();
        ProposerSelection.step(p, powers, totalPower);
        long nextTotal = 0;
        for (Validator v : members) nextTotal += v.power();
        long[] out = new long[members.size()];
        for (int i = 0; i < out.length; i++) {
            int was = indexOf(members.get(i).address());
            out[i] = was >= 0 ? p[was] : ProposerSelection.joining(nextTotal);
        }
        ProposerSelection.rescaleAndCentre(out, nextTotal);
        return new ValidatorSet(members, out);
    }

    /**
     * {@code validators_hash}: SHA-256 (hex) of the JCS of the set as an array of
     * {@code {"address","public_key","power"}} in set order. Priorities are not part of it (they follow from the
     * chain's history, and the state root commits to them).
     */
    public String hashHex() {
        return hashHex(validators);
    }

    /** {@link #hashHex()} of a list of validators in set order. */
    public static String hashHex(List<Validator> validators) {
        return Hex.encode(Sha256.hash(membersJcs(validators)));
    }

    /** Most members a set read from a peer may have. */
    public static final int MAX_MEMBERS = 1000;
    private static final java.util.Set<String> MEMBER_FIELDS = java.util.Set.of("address", "public_key", "power");

    /** The members as {@code validators_hash} covers them: an array of {@code {"address","public_key","power"}}. */
    public static ArrayNode membersJson(List<Validator> validators) {
        return RecordJson.of(Validator.class).writeAll(validators);
    }

    /** JCS of {@link #membersJson}: what {@code validators_hash} is the SHA-256 of. */
    public static byte[] membersJcs(List<Validator> validators) {
        return Jcs.canonicalize(membersJson(validators));
    }

    /**
     * Reads {@link #membersJson} (strict, at most {@link #MAX_MEMBERS}) as a set with zero priorities: enough to
     * check votes and certificates, which need no priorities.
     *
     * @throws IllegalArgumentException malformed, empty, duplicate members, or power out of range
     */
    public static ValidatorSet fromMembersJson(com.fasterxml.jackson.databind.JsonNode node) {
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_MEMBERS) {
            throw new IllegalArgumentException("a validator set is an array of 1.." + MAX_MEMBERS + " members");
        }
        List<Validator> out = new ArrayList<>(node.size());
        for (com.fasterxml.jackson.databind.JsonNode e : node) {
            org.cpc.protocol.codec.JsonFields f = org.cpc.protocol.codec.JsonFields.of(e, "validator", MEMBER_FIELDS);
            String key = f.string("public_key");
            if (!Hex.isHex(key)) throw new IllegalArgumentException("validator public_key must be lowercase hex");
            out.add(new Validator(f.string("address"), key, f.uint("power")));
        }
        return new ValidatorSet(out);
    }

    /** Same validators, powers and priorities, in the same order. */
    public boolean sameAs(ValidatorSet o) {
        return validators.equals(o.validators) && Arrays.equals(priorities, o.priorities);
    }
}
