package org.cpc.protocol.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * Curve constants and the input checks both implementations share, so that they accept and reject exactly the
 * same inputs whatever the library underneath would do with edge cases.
 */
final class Secp256k1Curve {
    static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    static final ECDomainParameters DOMAIN =
            new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());
    static final BigInteger N = PARAMS.getN();
    static final BigInteger HALF_N = N.shiftRight(1);
    /** Thread-safe; one instance so key generation does not reseed each time. */
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secp256k1Curve() {}

    static boolean isValidPrivateKey(byte[] priv) {
        if (priv == null || priv.length != Secp256k1.PRIVATE_KEY_LENGTH) return false;
        BigInteger k = new BigInteger(1, priv);
        return k.signum() > 0 && k.compareTo(N) < 0;
    }

    static byte[] randomPrivateKey() {
        byte[] k = new byte[Secp256k1.PRIVATE_KEY_LENGTH];
        do {
            RANDOM.nextBytes(k);
        } while (!isValidPrivateKey(k));
        return k;
    }

    static void checkPrivateKey(byte[] priv) {
        if (priv == null || priv.length != Secp256k1.PRIVATE_KEY_LENGTH) {
            throw new IllegalArgumentException("secp256k1 private key must be 32 bytes, got "
                    + (priv == null ? "null" : priv.length));
        }
        if (!isValidPrivateKey(priv)) {
            throw new IllegalArgumentException("secp256k1 private key must be in [1, n-1]; this one is zero or ≥ n");
        }
    }

    static void checkHash(byte[] hash) {
        if (hash == null || hash.length != Secp256k1.HASH_LENGTH) {
            throw new IllegalArgumentException("the signed hash must be 32 bytes, got "
                    + (hash == null ? "null" : hash.length + " bytes"));
        }
    }

    static BigInteger r(byte[] sig) {
        return new BigInteger(1, sig, 0, 32);
    }

    static BigInteger s(byte[] sig) {
        return new BigInteger(1, sig, 32, 32);
    }

    /** The protocol's acceptance rule for r‖s: 0 < r < n and 0 < s ≤ n/2 (low S). */
    static boolean isCanonical(byte[] sig) {
        BigInteger r = r(sig);
        BigInteger s = s(sig);
        return r.signum() > 0 && r.compareTo(N) < 0 && s.signum() > 0 && s.compareTo(HALF_N) <= 0;
    }

    static boolean isPlausiblePublicKey(byte[] pub) {
        return pub != null && pub.length == Secp256k1.PUBLIC_KEY_LENGTH && (pub[0] == 2 || pub[0] == 3);
    }

    /**
     * The checks {@code verify} makes before it asks the library: throws for a hash of the wrong length (a caller
     * bug); false for a signature that is not canonical r‖s or a key that cannot be a compressed point.
     */
    static boolean isVerifiable(byte[] pub33, byte[] hash32, byte[] sig64) {
        checkHash(hash32);
        if (sig64 == null || sig64.length != Secp256k1.SIGNATURE_LENGTH || !isCanonical(sig64)) return false;
        return isPlausiblePublicKey(pub33);
    }

    /** One implementation's key recovery: the compressed key r‖s recovers to with recid, or null for none. */
    interface Recovery {
        byte[] recoverOrNull(byte[] hash32, byte[] sig64, int recid);
    }

    /** {@code sig64} with the one recovery id of four that gives back {@code pub33}. */
    static byte[] withRecoveryId(byte[] sig64, byte[] pub33, byte[] hash32, Recovery recovery) {
        byte[] out = Arrays.copyOf(sig64, Secp256k1.RECOVERABLE_SIGNATURE_LENGTH);
        for (int recid = 0; recid < 4; recid++) {
            byte[] q = recovery.recoverOrNull(hash32, sig64, recid);
            if (q != null && Arrays.equals(q, pub33)) {
                out[64] = (byte) recid;
                return out;
            }
        }
        throw new IllegalStateException("no recovery id reproduces the signer's key; this is a bug");
    }

    /** {@link Secp256k1#recover}: checks the hash and signature, then recovers or says why not. */
    static byte[] recover(byte[] hash32, byte[] sig65, Recovery recovery) {
        checkHash(hash32);
        int recid = checkRecoverable(sig65);
        byte[] q = recovery.recoverOrNull(hash32, Arrays.copyOf(sig65, Secp256k1.SIGNATURE_LENGTH), recid);
        if (q == null) {
            throw new IllegalArgumentException("signature does not recover to a public key with recovery id " + recid);
        }
        return q;
    }

    /** Checks a recoverable signature's shape; returns its recid. */
    static int checkRecoverable(byte[] sig65) {
        if (sig65 == null || sig65.length != Secp256k1.RECOVERABLE_SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("recoverable signature must be 65 bytes r‖s‖recid, got "
                    + (sig65 == null ? "null" : sig65.length + " bytes"));
        }
        int recid = sig65[64];
        if (recid < 0 || recid > 3) {
            throw new IllegalArgumentException("recovery id must be 0..3, got " + (recid & 0xff));
        }
        BigInteger r = r(sig65);
        BigInteger s = s(sig65);
        if (r.signum() == 0 || r.compareTo(N) >= 0) {
            throw new IllegalArgumentException("signature r is zero or not below the curve order");
        }
        if (s.signum() == 0 || s.compareTo(N) >= 0) {
            throw new IllegalArgumentException("signature s is zero or not below the curve order");
        }
        if (s.compareTo(HALF_N) > 0) {
            throw new IllegalArgumentException("signature has high S (s > n/2); the protocol requires low S");
        }
        return recid;
    }

    static byte[] concat(BigInteger r, BigInteger s) {
        byte[] out = new byte[Secp256k1.SIGNATURE_LENGTH];
        BigIntegers.asUnsignedByteArray(r, out, 0, 32);
        BigIntegers.asUnsignedByteArray(s, out, 32, 32);
        return out;
    }
}
