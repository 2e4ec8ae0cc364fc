package org.cpc.consensus;

import java.security.PrivateKey;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;

/** ML-DSA-65 (FIPS 204) signing and verification of consensus messages, with the validator's raw public key. */
public final class MlDsaSignatures {
    private MlDsaSignatures() {}

    public static final SignatureVerifier VERIFIER = (validator, message, signatureHex) -> {
        if (validator.publicKey() == null || signatureHex == null || !Hex.isHex(signatureHex)) return false;
        try {
            return MlDsa.verify(Hex.decode(validator.publicKey()), message, Hex.decode(signatureHex));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    };

    public static Signer signer(String address, PrivateKey key) {
        return Signer.of(address, message -> Hex.encode(MlDsa.sign(key, message)));
    }
}
