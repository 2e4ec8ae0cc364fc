package org.cpc.chain;

import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/** Told of what the chain does, after it is durable. Called on the chain's thread: return quickly. */
public interface ChainListener {
    default void onBlockCommitted(Block block) {}

    /** A transaction admitted to the mempool, with the hash its admission computed (so no listener hashes it again). */
    default void onTransactionAccepted(Transaction tx, String hashHex) {}
}
