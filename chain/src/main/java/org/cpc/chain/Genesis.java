package org.cpc.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Bech32;
import org.cpc.protocol.params.NetworkParams;

/**
 * What a chain starts from, read from a genesis file: its parameters, the initial balances, the validators, and
 * the market's roles: the PoC validators whose job results (or attestations) L1 accepts, and the treasury that
 * takes the treasury share of market settlements. The genesis block (height 0, no transactions) is derived from it
 * deterministically; the validators, the PoC validators and the treasury are state entries under its state root.
 *
 * @param timestampMs the genesis block's timestamp, unix milliseconds
 * @param alloc initial balances in wei by {@code cpc...} address, sorted so the state root is reproducible
 * @param pocValidators {@code cpc...} account addresses of the PoC validators, in file order, no duplicates
 * @param treasuryAddress {@code cpc...} account of the treasury
 */
public record Genesis(NetworkParams params, long timestampMs, SortedMap<String, BigInteger> alloc,
                      List<ValidatorInfo> validators, List<String> pocValidators, String treasuryAddress) {

    /**
     * The default treasury: bech32 {@code cpc} of RIPEMD-160(SHA-256(UTF-8 "cpc-treasury-v1")). It is not the
     * address of any known key, so nobody can spend what it holds until governance gives the treasury a way.
     */
    public static final String WELL_KNOWN_TREASURY =
            Bech32.encode(Address.ACCOUNT_PREFIX, Address.keyHash("cpc-treasury-v1".getBytes(StandardCharsets.UTF_8)));

    public Genesis {
        pocValidators = List.copyOf(pocValidators);
    }

    /** A genesis without PoC validators and with the {@link #WELL_KNOWN_TREASURY}. */
    public Genesis(NetworkParams params, long timestampMs, SortedMap<String, BigInteger> alloc,
                   List<ValidatorInfo> validators) {
        this(params, timestampMs, alloc, validators, List.of(), WELL_KNOWN_TREASURY);
    }

    /** The same genesis with other market roles. */
    public Genesis withMarket(List<String> pocValidators, String treasuryAddress) {
        return new Genesis(params, timestampMs, alloc, validators, pocValidators, treasuryAddress);
    }
}
