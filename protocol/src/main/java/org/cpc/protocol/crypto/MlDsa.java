package org.cpc.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * ML-DSA-65 (FIPS 204) block signatures through the JDK's provider, with the empty context string and no
 * pre-hashing. Public keys travel raw (1952 bytes); the JDK's X.509 form only differs by a fixed 22-byte header.
 */
public final class MlDsa {
    public static final String ALGORITHM = "ML-DSA-65";
    public static final int PUBLIC_KEY_LENGTH = 1952;
    public static final int SIGNATURE_LENGTH = 3309;

    /** DER SubjectPublicKeyInfo header for an ML-DSA-65 key (OID 2.16.840.1.101.3.4.3.18, 1952-byte BIT STRING). */
    private static final byte[] SPKI_PREFIX = {
        0x30, (byte) 0x82, 0x07, (byte) 0xb2, 0x30, 0x0b, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
        0x03, 0x12, 0x03, (byte) 0x82, 0x07, (byte) 0xa1, 0x00
    };

    private MlDsa() {}

    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw missing(e);
        }
    }

    /** Signs a message (hedged signing with fresh randomness, as the JDK does by default). */
    public static byte[] sign(PrivateKey privateKey, byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (NoSuchAlgorithmException e) {
            throw missing(e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("not an ML-DSA-65 private key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ML-DSA-65 signing failed: " + e.getMessage(), e);
        }
    }

    /** True only for a valid signature; any malformed key or signature gives false. */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        if (rawPublicKey == null || rawPublicKey.length != PUBLIC_KEY_LENGTH) return false;
        if (message == null || signature == null || signature.length != SIGNATURE_LENGTH) return false;
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(publicKey(rawPublicKey));
            s.update(message);
            return s.verify(signature);
        } catch (NoSuchAlgorithmException e) {
            throw missing(e);
        } catch (GeneralSecurityException | RuntimeException malformed) {
            return false;
        }
    }

    /** The 1952-byte raw public key (ρ ‖ t1) of a JDK ML-DSA-65 key. */
    public static byte[] rawPublicKey(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki == null || spki.length != SPKI_PREFIX.length + PUBLIC_KEY_LENGTH
                || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an ML-DSA-65 public key: " + key.getAlgorithm());
        }
        return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    }

    /** A JDK public key from the 1952-byte raw form. */
    public static PublicKey publicKey(byte[] raw) {
        if (raw == null || raw.length != PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("ML-DSA-65 public key must be " + PUBLIC_KEY_LENGTH + " bytes, got "
                    + (raw == null ? "null" : raw.length));
        }
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + PUBLIC_KEY_LENGTH);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
        } catch (NoSuchAlgorithmException e) {
            throw missing(e);
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException("invalid ML-DSA-65 public key: " + e.getMessage(), e);
        }
    }

    /** PKCS#8 bytes for storage (the keyring encrypts them). */
    public static byte[] encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key has format " + key.getFormat() + ", expected PKCS#8");
        }
        return key.getEncoded();
    }

    public static PrivateKey decodePrivateKey(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (NoSuchAlgorithmException e) {
            throw missing(e);
        } catch (InvalidKeySpecException | RuntimeException e) {
            throw new IllegalArgumentException("invalid ML-DSA-65 private key encoding: " + e.getMessage(), e);
        }
    }

    private static IllegalStateException missing(NoSuchAlgorithmException e) {
        return new IllegalStateException("this JDK has no " + ALGORITHM + " (it needs Java 24 or newer)", e);
    }
}
