package org.cpc.protocol.keys;

import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;

/** An unlocked secp256k1 key: an account's or a worker's. */
public record AccountKey(byte[] privateKey, byte[] publicKey, String address) {

    /** Derives the public key and address of a private key. */
    public static AccountKey of(byte[] privateKey) {
        byte[] pub = Secp256k1.get().publicKey(privateKey);
        return new AccountKey(privateKey.clone(), pub, Address.account(pub));
    }

    /** 64-byte low-S r‖s over a 32-byte hash (transactions). */
    public byte[] sign(byte[] hash32) {
        return Secp256k1.get().sign(privateKey, hash32);
    }

    /** 65-byte r‖s‖recid over a 32-byte hash (compute results). */
    public byte[] signRecoverable(byte[] hash32) {
        return Secp256k1.get().signRecoverable(privateKey, hash32);
    }

    /** Never prints the private key, so a logged key leaks nothing. */
    @Override
    public String toString() {
        return "AccountKey[" + address + "]";
    }
}
