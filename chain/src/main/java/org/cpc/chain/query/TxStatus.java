package org.cpc.chain.query;

import org.cpc.protocol.types.Transaction;

/**
 * Where a transaction stands: pending in the mempool, or included in a committed block.
 *
 * @param blockHeight null while pending
 * @param index position in the block, null while pending
 * @param gasUsed gas the transaction used, 0 while pending
 */
public record TxStatus(Transaction tx, boolean included, Long blockHeight, Integer index, long gasUsed) {
    public String status() {
        return included ? "included" : "pending";
    }
}
