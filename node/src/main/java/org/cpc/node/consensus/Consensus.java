package org.cpc.node.consensus;

/**
 * What decides the next block and commits it. Today a single proposer on a timer ({@link BlockProducer}); a BFT
 * engine will implement the same two calls.
 */
public interface Consensus {
    void start();

    /** Stops proposing; returns after any commit in flight has finished, so the chain can be closed safely. */
    void stop();
}
