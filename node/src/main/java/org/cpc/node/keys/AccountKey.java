package org.cpc.node.keys;

import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;

/** A secp256k1 account key held in memory: the faucet's on devnet, or a wallet key the CLI unlocked. */
public record AccountKey(byte[] privateKey, byte[] publicKey, String address) {
    public static AccountKey generate() {
        return of(Secp256k1.randomPrivateKey());
    }

    public static AccountKey of(byte[] privateKey) {
        if (!Secp256k1.isValidPrivateKey(privateKey)) {
            throw new IllegalArgumentException("not a valid secp256k1 private key (32 bytes in [1, n-1])");
        }
        byte[] pub = Secp256k1.get().publicKey(privateKey);
        return new AccountKey(privateKey.clone(), pub, Address.account(pub));
    }

    public String publicKeyHex() {
        return Hex.encode(publicKey);
    }

    /** 64-byte low-S r‖s signature over a 32-byte hash. */
    public byte[] sign(byte[] hash32) {
        return Secp256k1.get().sign(privateKey, hash32);
    }
}
