package org.cpc.protocol.crypto;

import java.security.SecureRandom;
import java.util.Optional;

/**
 * ECDSA over secp256k1 as the protocol uses it: 33-byte compressed public keys, 64-byte r‖s signatures over a
 * 32-byte hash with low S required, and 65-byte r‖s‖recid recoverable signatures.
 *
 * <p>Two implementations give the same bytes: native libsecp256k1 (fast, used when its JNI library loads) and
 * pure Java on Bouncy Castle (everywhere else). {@link #get()} picks one; the system property
 * {@code cpc.secp256k1=java} forces the pure-Java one. Both exist side by side so each can check the other.
 *
 * <p>{@code verify} answers false for any bad signature or public key and only throws for a hash of the wrong
 * length, which is a caller bug rather than untrusted input.
 */
public sealed interface Secp256k1 permits LibSecp256k1, BouncyCastleSecp256k1 {
    int PRIVATE_KEY_LENGTH = 32;
    int PUBLIC_KEY_LENGTH = 33;
    int HASH_LENGTH = 32;
    int SIGNATURE_LENGTH = 64;
    int RECOVERABLE_SIGNATURE_LENGTH = 65;

    /** The implementation this process uses: native when it loaded, unless {@code cpc.secp256k1=java}. */
    static Secp256k1 get() {
        return Secp256k1Backends.DEFAULT;
    }

    /** The pure-Java implementation, always available. */
    static Secp256k1 pureJava() {
        return Secp256k1Backends.JAVA;
    }

    /** The native implementation, empty when libsecp256k1 could not be loaded on this platform. */
    static Optional<Secp256k1> nativeLibrary() {
        return Secp256k1Backends.NATIVE;
    }

    /** True for 32 bytes holding an integer in [1, n-1]. */
    static boolean isValidPrivateKey(byte[] priv32) {
        return Secp256k1Curve.isValidPrivateKey(priv32);
    }

    static byte[] randomPrivateKey() {
        return Secp256k1Curve.randomPrivateKey(RandomHolder.RANDOM);
    }

    /** "native libsecp256k1" or "pure Java (Bouncy Castle)". */
    String backend();

    /** The 33-byte compressed public key of a private key. */
    byte[] publicKey(byte[] priv32);

    /** Deterministic (RFC 6979) signature over a 32-byte hash: 64 bytes r‖s with s ≤ n/2. */
    byte[] sign(byte[] priv32, byte[] hash32);

    /** True only for a low-S signature with r and s in range made by the key {@code pub33} over {@code hash32}. */
    boolean verify(byte[] pub33, byte[] hash32, byte[] sig64);

    /** Like {@link #sign} with the recovery id appended: 65 bytes r‖s‖recid, recid in 0..3. */
    byte[] signRecoverable(byte[] priv32, byte[] hash32);

    /**
     * The 33-byte compressed public key that made a recoverable signature.
     *
     * @throws IllegalArgumentException saying why when the signature is malformed, high-S or recovers no key
     */
    byte[] recover(byte[] hash32, byte[] sig65);
}

/** SecureRandom is thread-safe; one instance avoids reseeding per key. */
final class RandomHolder {
    static final SecureRandom RANDOM = new SecureRandom();

    private RandomHolder() {}
}
