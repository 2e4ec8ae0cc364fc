package org.cpc.chain.query;

import org.cpc.protocol.types.Transaction;

/**
 * A committed transaction that names an address.
 *
 * @param blockTimestamp unix milliseconds of its block
 * @param gasUsed gas the transaction used
 */
public record AddressTx(TxPosition position, String txHash, Transaction tx, long blockTimestamp, long gasUsed) {}
