package org.cpc.consensus;

import java.util.Objects;

/**
 * A member of the validator set.
 *
 * @param address {@code cpcvalcons...} address of the consensus key
 * @param publicKey hex raw ML-DSA-65 public key (1952 bytes); the simulation's stand-in scheme ignores it
 * @param power voting power, &gt; 0
 */
public record Validator(String address, String publicKey, long power) {
    public Validator {
        Objects.requireNonNull(address, "address");
        if (power <= 0) throw new IllegalArgumentException("validator " + address + " has power " + power + " <= 0");
    }
}
