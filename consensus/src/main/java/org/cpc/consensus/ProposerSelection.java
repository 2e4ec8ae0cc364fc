package org.cpc.consensus;

import java.util.List;

/**
 * Deterministic weighted round-robin: CometBFT's proposer-priority algorithm without set changes (the same as
 * nginx's "smooth weighted round-robin"). Each step every validator's priority grows by its power; the one with the
 * highest priority proposes (ties go to the earliest in genesis order) and its priority drops by the total power.
 * The proposer of (height, round) is the one chosen at step {@code height + round + 1} counted from all priorities
 * at zero, so it is a pure function of {@code height + round}.
 *
 * <p>With equal powers this is exactly {@code validators[(height + round) mod n]}, the schedule single-proposer
 * devnets use (org.cpc.chain.ProposerSchedule). With unequal powers, over any window of {@code total/g} consecutive
 * steps ({@code g} the gcd of the powers) validator i proposes exactly {@code power_i/g} times, spread evenly.
 * Priorities always stay within (-total, total] and sum to 0, so no rescaling is needed; after {@code total/g} steps
 * they are all zero again, which is how {@link #proposerIndex} jumps to any step in O(total/g · n) at worst.
 *
 * <p>Validator-set changes (later): CometBFT carries priorities across heights and re-centres them when the set
 * changes (a new validator starts at -1.125 × total). That needs the priorities to be part of the replicated state
 * at each height; {@link ValidatorSet} is per height, which is the seam.
 */
public final class ProposerSelection {
    private final long[] powers;
    private final long total;
    private final long period;
    // A cursor: the priorities after `step` steps. proposerIndex moves it forward (or restarts from zero).
    private long[] priorities;
    private long step;

    public ProposerSelection(List<Long> powers) {
        int n = powers.size();
        this.powers = new long[n];
        long t = 0;
        long g = 0;
        for (int i = 0; i < n; i++) {
            long p = powers.get(i);
            if (p <= 0) throw new IllegalArgumentException("power must be > 0");
            this.powers[i] = p;
            t += p;
            g = gcd(g, p);
        }
        this.total = t;
        this.period = t / g;
        this.priorities = new long[n];
        this.step = 0;
    }

    /** Index in genesis order of the validator chosen at step {@code k + 1} (k = height + round ≥ 0). */
    public synchronized int proposerIndex(long k) {
        if (k < 0) throw new IllegalArgumentException("height + round < 0");
        long target = Math.floorMod(k, period); // the state after `target` steps equals the state after k steps
        if (target < step) {
            priorities = new long[powers.length];
            step = 0;
        }
        while (step < target) {
            advance();
        }
        // Choose without moving the cursor past `target`: the choice at step target + 1.
        return argmaxAfterIncrement();
    }

    private int argmaxAfterIncrement() {
        int best = 0;
        long bestPriority = Long.MIN_VALUE;
        for (int i = 0; i < powers.length; i++) {
            long p = priorities[i] + powers[i];
            if (p > bestPriority) {
                bestPriority = p;
                best = i;
            }
        }
        return best;
    }

    private void advance() {
        int chosen = argmaxAfterIncrement();
        for (int i = 0; i < powers.length; i++) priorities[i] += powers[i];
        priorities[chosen] -= total;
        step++;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
