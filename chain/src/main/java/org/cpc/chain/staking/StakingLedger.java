package org.cpc.chain.staking;

import java.math.BigInteger;

/**
 * The state staking works on: raw entries of its key spaces by (type, id), and account balances. The block
 * executor's {@link org.cpc.chain.exec.WorldState} is one (uncommitted changes over committed state); a read-only one
 * over committed state answers queries.
 */
public interface StakingLedger {
    /** The value of entry {@code id} of key space {@code type}, or null. */
    byte[] get(byte type, String id);

    /** Sets (or, with null, removes) an entry. */
    void put(byte type, String id, byte[] value);

    BigInteger balance(String address);

    /** Adds {@code wei} (≥ 0) to an account's balance. */
    void credit(String address, BigInteger wei);
}
