package org.cpc.node.keys;

import java.security.KeyPair;
import java.security.PrivateKey;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;

/**
 * A validator's ML-DSA-65 consensus key: signs block header hashes.
 *
 * @param publicKey raw 1952-byte public key
 * @param address {@code cpcvalcons...} consensus address of the key
 */
public record ValidatorKey(PrivateKey privateKey, byte[] publicKey, String address) {
    public static ValidatorKey generate() {
        KeyPair kp = MlDsa.generateKeyPair();
        return of(kp.getPrivate(), MlDsa.rawPublicKey(kp.getPublic()));
    }

    public static ValidatorKey of(PrivateKey privateKey, byte[] rawPublicKey) {
        return new ValidatorKey(privateKey, rawPublicKey.clone(), Address.validatorConsensus(rawPublicKey));
    }

    public String publicKeyHex() {
        return Hex.encode(publicKey);
    }

    /** ML-DSA-65 signature over the 32 raw bytes of a block header hash. */
    public byte[] signHeaderHash(byte[] headerHash) {
        return MlDsa.sign(privateKey, headerHash);
    }
}
