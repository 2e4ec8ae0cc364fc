package org.cpc.chain.exec;

/**
 * What a transaction does to its block, as the rules of its type return it once they all passed
 * ({@link BlockExecutor#plan}): each type builds its effect from what its rules read, so the rules and the effect
 * sit side by side and cannot drift apart. The block runs it after charging the sender the amount and the gas.
 */
@FunctionalInterface
public interface TxEffect {
    void on(BlockExecutor.Session block) throws TxRejected;
}
