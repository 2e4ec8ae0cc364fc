package org.cpc.protocol.keys;

import java.security.PrivateKey;
import org.cpc.protocol.crypto.MlDsa;

/** An unlocked ML-DSA-65 validator consensus key; {@code publicKey} is the raw 1952-byte form. */
public record ValidatorKey(PrivateKey privateKey, byte[] publicKey, String address) {

    /** ML-DSA-65 signature (3309 bytes) over a message, e.g. a block's signing bytes. */
    public byte[] sign(byte[] message) {
        return MlDsa.sign(privateKey, message);
    }

    /** Never prints the private key, so a logged key leaks nothing. */
    @Override
    public String toString() {
        return "ValidatorKey[" + address + "]";
    }
}
