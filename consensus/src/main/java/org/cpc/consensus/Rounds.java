package org.cpc.consensus;

/**
 * The bound on a consensus round. The proposer of round r is found by r steps of proposer selection from the height's
 * priorities, so an unbounded round taken from a message (a proposal must be matched to its proposer before its
 * signature can be checked) would let any peer buy minutes of CPU and gigabytes of memory with one frame. No honest
 * height gets near the bound: each round's timeouts grow by a delta, so reaching round 65,535 takes decades.
 */
public final class Rounds {
    /** The largest round a vote, proposal, commit certificate or block header may name. */
    public static final int MAX = 65_535;

    private Rounds() {}

    /** {@code round} as an int, or IllegalArgumentException naming {@code what} when it is beyond {@link #MAX}. */
    public static int check(long round, String what) {
        if (round < 0 || round > MAX) {
            throw new IllegalArgumentException(what + " " + round + " is beyond the largest round " + MAX);
        }
        return (int) round;
    }
}
