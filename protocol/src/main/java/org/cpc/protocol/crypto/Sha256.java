package org.cpc.protocol.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, the protocol's only hash. MessageDigest is not thread-safe, so each thread keeps its own. */
public final class Sha256 {
    public static final int LENGTH = 32;
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

    private Sha256() {}

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** This thread's digest, reset; callers must finish with {@code digest()} before using it again. */
    public static MessageDigest newDigestCached() {
        MessageDigest d = DIGEST.get();
        d.reset();
        return d;
    }

    public static byte[] hash(byte[] data) {
        return DIGEST.get().digest(data);
    }

    public static byte[] hash(byte[] data, int offset, int length) {
        MessageDigest d = DIGEST.get();
        d.update(data, offset, length);
        return d.digest();
    }

    /** SHA-256 of the concatenation of the parts. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest d = DIGEST.get();
        for (byte[] p : parts) d.update(p);
        return d.digest();
    }
}
