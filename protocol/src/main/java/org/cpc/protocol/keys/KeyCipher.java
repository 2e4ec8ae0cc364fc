package org.cpc.protocol.keys;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Password-based sealing of a key's secret: Argon2id derives an AES-256 key, AES-GCM encrypts and authenticates. */
final class KeyCipher {
    static final int SALT_LENGTH = 16;
    static final int NONCE_LENGTH = 12;
    private static final int KEY_LENGTH = 32;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a file stores besides the public fields. */
    record Sealed(Argon2Params params, byte[] salt, byte[] nonce, byte[] ciphertext) {}

    private KeyCipher() {}

    static Sealed seal(byte[] secret, char[] password, byte[] associatedData, Argon2Params params) {
        byte[] salt = random(SALT_LENGTH);
        byte[] nonce = random(NONCE_LENGTH);
        byte[] key = deriveKey(password, salt, params);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            return new Sealed(params, salt, nonce, c.doFinal(secret));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The secret, or {@link AEADBadTagException} when the password, ciphertext or associated data is wrong. */
    static byte[] open(Sealed sealed, char[] password, byte[] associatedData) throws AEADBadTagException {
        byte[] key = deriveKey(password, sealed.salt(), sealed.params());
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            c.updateAAD(associatedData);
            return c.doFinal(sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable in this JDK", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] deriveKey(char[] password, byte[] salt, Argon2Params p) {
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .build());
        byte[] key = new byte[KEY_LENGTH];
        gen.generateBytes(password, key);
        return key;
    }

    private static byte[] random(int length) {
        byte[] b = new byte[length];
        RANDOM.nextBytes(b);
        return b;
    }
}
