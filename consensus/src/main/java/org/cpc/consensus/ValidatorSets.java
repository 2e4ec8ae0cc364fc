package org.cpc.consensus;

/**
 * The validator set of each height, with its proposer priorities: the seam through which consensus learns set
 * changes. The node's implementation reads it from the committed chain (the set of height h is decided by block
 * h − 2 and its priorities by block h − 1, as in CometBFT); consensus never reads state itself. The state machine
 * asks when it enters a height: the committed head + 1, or head + 2 right after it decided a block (its commit is
 * an action the driver performs after the machine moved on), so an implementation must know both.
 */
@FunctionalInterface
public interface ValidatorSets {
    ValidatorSet forHeight(long height);

    /**
     * The same validators at every height, {@code first} being the set of height 0: the set of height h is
     * {@code first} carried over h times ({@link ValidatorSet#next}), so with equal powers the proposer of
     * (h, r) is {@code validators[(h + r) mod n]}. For simulations and tests.
     */
    static ValidatorSets fixed(ValidatorSet first) {
        return new ValidatorSets() {
            // A cursor: the set of height `at`; heights are asked in increasing order, restarts go back to 1.
            private ValidatorSet cur = first;
            private long at = 0;

            @Override
            public synchronized ValidatorSet forHeight(long height) {
                long h = Math.max(0, height);
                if (h < at) {
                    cur = first;
                    at = 0;
                }
                while (at < h) {
                    cur = cur.next(cur.validators());
                    at++;
                }
                return cur;
            }
        };
    }
}
