package org.cpc.chain;

import java.math.BigInteger;
import java.util.List;
import java.util.SortedMap;
import org.cpc.protocol.params.NetworkParams;

/**
 * What a chain starts from, read from a genesis file: its parameters, the initial balances and the validators.
 * The genesis block (height 0, no transactions) is derived from it deterministically.
 *
 * @param timestampMs the genesis block's timestamp, unix milliseconds
 * @param alloc initial balances in wei by {@code cpc...} address, sorted so the state root is reproducible
 */
public record Genesis(NetworkParams params, long timestampMs, SortedMap<String, BigInteger> alloc,
                      List<ValidatorInfo> validators) {}
