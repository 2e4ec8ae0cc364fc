package org.cpc.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Bech32;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;

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

    /**
     * What genesis bonds out of each account's alloc, by address: the self-bond ({@code power} CPC) of the
     * validator it operates and, for a PoC validator, {@code min_poc_bond}. The alloc is the whole genesis supply;
     * an account keeps as balance what its alloc holds beyond its bonds ({@link GenesisFile#check} refuses less).
     */
    public SortedMap<String, BigInteger> bonds() {
        TreeMap<String, BigInteger> b = new TreeMap<>();
        for (ValidatorInfo v : validators) b.merge(v.rewardAddress(), Amounts.cpc(v.power()), BigInteger::add);
        for (String a : pocValidators) b.merge(a, params.bonds().minPocBond(), BigInteger::add);
        return b;
    }

    /** The balance each account starts with: its alloc less its {@link #bonds()}, zero balances left out. */
    public SortedMap<String, BigInteger> balances() {
        TreeMap<String, BigInteger> out = new TreeMap<>(alloc);
        bonds().forEach((a, bond) -> out.merge(a, bond.negate(), BigInteger::add));
        out.values().removeIf(v -> v.signum() == 0);
        return out;
    }

    /** The genesis supply: the sum of the alloc (bonds included, as they come out of it). */
    public BigInteger supply() {
        return alloc.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
    }

    /**
     * This genesis with each bonding account's alloc raised by its {@link #bonds()}: what a new network's tools
     * ({@code cpc node init}, devnets, tests) write, so that operators start with the balance the alloc gave them
     * besides their bonds (none, when they had no alloc).
     */
    public Genesis withBondsAllocated() {
        TreeMap<String, BigInteger> a = new TreeMap<>(alloc);
        bonds().forEach((address, bond) -> a.merge(address, bond, BigInteger::add));
        return new Genesis(params, timestampMs, a, validators, pocValidators, treasuryAddress);
    }

    /** The same genesis with other market roles. */
    public Genesis withMarket(List<String> pocValidators, String treasuryAddress) {
        return new Genesis(params, timestampMs, alloc, validators, pocValidators, treasuryAddress);
    }
}
