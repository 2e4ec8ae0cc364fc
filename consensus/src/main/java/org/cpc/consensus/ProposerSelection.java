package org.cpc.consensus;

/**
 * Who proposes: CometBFT's proposer-priority algorithm (weighted round-robin, also known as nginx's "smooth weighted
 * round-robin"), in integers, as pure functions over the priorities of a {@link ValidatorSet}. The priorities are
 * replicated state: the chain stores the priorities of the next height's set after every block, so every node, and
 * the chain's own header check, name the same proposer (docs/protocol.md, "Proposer selection").
 *
 * <p>One <em>step</em>: every validator's priority grows by its power; the one with the highest priority (the
 * earliest in set order on a tie) is chosen and its priority drops by the total power. The proposer of round r of a
 * height is the validator chosen at the (r + 1)-th step from the height's priorities. The next height's priorities
 * are the height's after exactly one step (whatever round decided it), carried over to the next set: a validator
 * that stays keeps its priority, a new one starts at −(total + total/8) (behind everyone, so that joining and
 * leaving cannot be used to jump the queue), a leaving one is dropped; then the spread is scaled down to at most
 * 2 × total and the priorities are centred on zero.
 *
 * <p>With a fixed set and all priorities starting at zero the sum stays zero and every priority stays within
 * (−total, total], so scaling and centring change nothing: over any {@code total/g} consecutive steps ({@code g}
 * the gcd of the powers) validator i proposes exactly {@code power_i/g} times, spread evenly, and with equal powers
 * the proposer of round r at height h is {@code validators[(h − 1 + r) mod n]}.
 */
public final class ProposerSelection {
    private ProposerSelection() {}

    /** One step on {@code priorities} (changed in place); returns the index chosen. */
    public static int step(long[] priorities, long[] powers, long total) {
        int best = 0;
        for (int i = 0; i < priorities.length; i++) {
            priorities[i] += powers[i];
            if (priorities[i] > priorities[best]) best = i;
        }
        priorities[best] -= total;
        return best;
    }

    /** The index of the proposer of {@code round}, from a height's priorities (not changed). */
    public static int proposer(long[] priorities, long[] powers, long total, int round) {
        if (round < 0) throw new IllegalArgumentException("round < 0");
        long[] p = priorities.clone();
        int chosen = 0;
        for (int r = 0; r <= round; r++) chosen = step(p, powers, total);
        return chosen;
    }

    /** The priority a validator joining a set of {@code total} power starts with. */
    public static long joining(long total) {
        return -(total + (total >> 3));
    }

    /**
     * Scales the spread down to at most {@code 2 × total} (dividing by the least integer that does it, rounding each
     * toward zero), then subtracts the floor of the mean from each. In place.
     */
    public static void rescaleAndCentre(long[] priorities, long total) {
        if (priorities.length == 0) return;
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (long p : priorities) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        long limit = 2 * total;
        long diff = max - min;
        if (diff > limit) {
            long ratio = (diff + limit - 1) / limit;
            for (int i = 0; i < priorities.length; i++) priorities[i] /= ratio;
        }
        long sum = 0;
        for (long p : priorities) sum += p; // |p| ≤ 3 × 2^53 and n ≤ 1000: no overflow
        long mean = Math.floorDiv(sum, priorities.length);
        for (int i = 0; i < priorities.length; i++) priorities[i] -= mean;
    }
}
