package org.cpc.consensus.sim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cpc.consensus.SignatureVerifier;
import org.cpc.consensus.Signer;
import org.cpc.consensus.Validator;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Sha256;

/**
 * The simulation's cheap stand-in for ML-DSA-65: a signature is HMAC-SHA256(secret of the validator, message).
 * Each validator's secret is derived from the run's seed and its address and lives only in this object. A node
 * (honest or Byzantine) is handed a {@link Signer} for its own address only; {@link #verifier()} checks any
 * signature. So inside a simulation a Byzantine node can sign anything as itself but cannot forge an honest
 * validator's vote or proposal: unforgeable within the simulation, like the real scheme, and about 100 times
 * cheaper. It is not a public-key scheme (the verifier holds the secrets): the verifier plays the role of the
 * public keys, and no node code can reach the secrets through it.
 */
public final class SimKeys {
    private final Map<String, byte[]> secrets = new HashMap<>();
    private final Map<String, Mac> macs = new HashMap<>();

    public SimKeys(long seed, List<String> addresses) {
        for (String a : addresses) {
            secrets.put(a, Sha256.hash((seed + "/" + a).getBytes(StandardCharsets.UTF_8)));
        }
    }

    public Signer signer(String address) {
        if (!secrets.containsKey(address)) throw new IllegalArgumentException("no key for " + address);
        return Signer.of(address, message -> mac(address, message));
    }

    public SignatureVerifier verifier() {
        return (Validator validator, byte[] message, String signatureHex) -> {
            if (!secrets.containsKey(validator.address()) || signatureHex == null) return false;
            return java.security.MessageDigest.isEqual(
                    mac(validator.address(), message).getBytes(StandardCharsets.US_ASCII),
                    signatureHex.getBytes(StandardCharsets.US_ASCII));
        };
    }

    private String mac(String address, byte[] message) {
        try {
            Mac mac = macs.get(address);
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secrets.get(address), "HmacSHA256"));
                macs.put(address, mac);
            }
            return Hex.encode(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
