package org.cpc.chain.query;

import java.util.List;

/**
 * One page of an address's transactions, newest first.
 *
 * @param next the cursor for the following (older) page: the position of the last transaction here; null when
 *     there is none
 */
public record AddressTxPage(List<AddressTx> txs, TxPosition next) {}
