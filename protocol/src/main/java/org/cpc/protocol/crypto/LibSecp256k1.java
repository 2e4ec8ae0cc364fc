package org.cpc.protocol.crypto;

import java.util.Arrays;

/** secp256k1 through the native libsecp256k1 (ACINQ's JNI binding). */
final class LibSecp256k1 implements Secp256k1 {
    private final fr.acinq.secp256k1.Secp256k1 lib;

    LibSecp256k1(fr.acinq.secp256k1.Secp256k1 lib) {
        this.lib = lib;
    }

    /** A loaded library that cannot derive the key of 1 is unusable; better to find out before choosing it. */
    void selfTest() {
        byte[] one = new byte[PRIVATE_KEY_LENGTH];
        one[31] = 1;
        byte[] g = publicKey(one);
        if (!Arrays.equals(g, Secp256k1Curve.DOMAIN.getG().getEncoded(true))) {
            throw new IllegalStateException("native libsecp256k1 returned a wrong generator point");
        }
    }

    @Override
    public String backend() {
        return "native libsecp256k1";
    }

    @Override
    public byte[] publicKey(byte[] priv32) {
        Secp256k1Curve.checkPrivateKey(priv32);
        return lib.pubKeyCompress(lib.pubkeyCreate(priv32));
    }

    /** libsecp256k1 signs with RFC 6979 nonces and always returns low S. */
    @Override
    public byte[] sign(byte[] priv32, byte[] hash32) {
        Secp256k1Curve.checkPrivateKey(priv32);
        Secp256k1Curve.checkHash(hash32);
        return lib.sign(hash32, priv32);
    }

    @Override
    public boolean verify(byte[] pub33, byte[] hash32, byte[] sig64) {
        if (!Secp256k1Curve.isVerifiable(pub33, hash32, sig64)) return false;
        try {
            return lib.verify(sig64, hash32, pub33);
        } catch (RuntimeException invalidKeyOrSignature) {
            return false;
        }
    }

    /** The binding has no recoverable signing; the recovery id is the one of four that gives back our key. */
    @Override
    public byte[] signRecoverable(byte[] priv32, byte[] hash32) {
        return Secp256k1Curve.withRecoveryId(sign(priv32, hash32), publicKey(priv32), hash32, this::tryRecover);
    }

    @Override
    public byte[] recover(byte[] hash32, byte[] sig65) {
        return Secp256k1Curve.recover(hash32, sig65, this::tryRecover);
    }

    private byte[] tryRecover(byte[] hash32, byte[] sig64, int recid) {
        try {
            return lib.pubKeyCompress(lib.ecdsaRecover(sig64, hash32, recid));
        } catch (RuntimeException noKey) {
            return null;
        }
    }
}
