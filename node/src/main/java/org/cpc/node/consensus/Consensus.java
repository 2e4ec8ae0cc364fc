package org.cpc.node.consensus;

/**
 * What decides the next block and commits it: {@link TendermintConsensus} (BFT, with a commit certificate stored
 * with every block).
 */
public interface Consensus {
    void start();

    /** Stops proposing; returns after any commit in flight has finished, so the chain can be closed safely. */
    void stop();

    /**
     * Whether this validator follows without signing because the chain shows its key signing elsewhere
     * ({@link SignHistoryCheck}); false for a node that signs or has no key.
     */
    boolean signingHeldBack();
}
