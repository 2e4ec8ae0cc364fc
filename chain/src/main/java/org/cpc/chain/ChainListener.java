package org.cpc.chain;

import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/** Told of what the chain does, after it is durable. Called on the chain's thread: return quickly. */
public interface ChainListener {
    default void onBlockCommitted(Block block) {}

    default void onTransactionAccepted(Transaction tx) {}
}
