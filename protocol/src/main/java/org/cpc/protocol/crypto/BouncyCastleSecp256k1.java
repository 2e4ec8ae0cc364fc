package org.cpc.protocol.crypto;

import static org.cpc.protocol.crypto.Secp256k1Curve.DOMAIN;
import static org.cpc.protocol.crypto.Secp256k1Curve.HALF_N;
import static org.cpc.protocol.crypto.Secp256k1Curve.N;

import java.math.BigInteger;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/** Pure-Java secp256k1 on Bouncy Castle's low-level API, for platforms without the native library. */
final class BouncyCastleSecp256k1 implements Secp256k1 {

    BouncyCastleSecp256k1() {}

    @Override
    public String backend() {
        return "pure Java (Bouncy Castle)";
    }

    @Override
    public byte[] publicKey(byte[] priv32) {
        Secp256k1Curve.checkPrivateKey(priv32);
        return point(priv32).getEncoded(true);
    }

    @Override
    public byte[] sign(byte[] priv32, byte[] hash32) {
        Secp256k1Curve.checkPrivateKey(priv32);
        Secp256k1Curve.checkHash(hash32);
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(new BigInteger(1, priv32), DOMAIN));
        BigInteger[] rs = signer.generateSignature(hash32);
        BigInteger s = rs[1].compareTo(HALF_N) > 0 ? N.subtract(rs[1]) : rs[1];
        return Secp256k1Curve.concat(rs[0], s);
    }

    @Override
    public boolean verify(byte[] pub33, byte[] hash32, byte[] sig64) {
        if (!Secp256k1Curve.isVerifiable(pub33, hash32, sig64)) return false;
        ECPoint q;
        try {
            q = DOMAIN.getCurve().decodePoint(pub33);
        } catch (IllegalArgumentException notOnCurve) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new ECPublicKeyParameters(q, DOMAIN));
        return verifier.verifySignature(hash32, Secp256k1Curve.r(sig64), Secp256k1Curve.s(sig64));
    }

    @Override
    public byte[] signRecoverable(byte[] priv32, byte[] hash32) {
        return Secp256k1Curve.withRecoveryId(sign(priv32, hash32), publicKey(priv32), hash32,
                BouncyCastleSecp256k1::recoverKey);
    }

    @Override
    public byte[] recover(byte[] hash32, byte[] sig65) {
        return Secp256k1Curve.recover(hash32, sig65, BouncyCastleSecp256k1::recoverKey);
    }

    /** The compressed encoding of {@link #recoverPoint}, or null. */
    private static byte[] recoverKey(byte[] hash32, byte[] sig, int recid) {
        ECPoint q = recoverPoint(hash32, sig, recid);
        return q == null ? null : q.getEncoded(true);
    }

    private static ECPoint point(byte[] priv32) {
        return new FixedPointCombMultiplier().multiply(DOMAIN.getG(), new BigInteger(1, priv32)).normalize();
    }

    /**
     * SEC 1 v2 §4.1.6: R has x = r + (recid / 2)·n and the y parity recid % 2; then Q = r⁻¹(sR − eG).
     * Returns null when recid names no valid R or Q is the point at infinity.
     */
    private static ECPoint recoverPoint(byte[] hash32, byte[] sig, int recid) {
        BigInteger r = Secp256k1Curve.r(sig);
        BigInteger s = Secp256k1Curve.s(sig);
        BigInteger x = (recid & 2) == 0 ? r : r.add(N);
        BigInteger p = DOMAIN.getCurve().getField().getCharacteristic();
        if (x.compareTo(p) >= 0) return null;
        byte[] compressed = new byte[PUBLIC_KEY_LENGTH];
        compressed[0] = (byte) ((recid & 1) == 0 ? 2 : 3);
        BigIntegers.asUnsignedByteArray(x, compressed, 1, 32);
        ECPoint bigR;
        try {
            bigR = DOMAIN.getCurve().decodePoint(compressed);
        } catch (IllegalArgumentException noSuchPoint) {
            return null;
        }
        BigInteger e = new BigInteger(1, hash32).mod(N);
        BigInteger rInv = r.modInverse(N);
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(
                DOMAIN.getG(), N.subtract(e).multiply(rInv).mod(N), bigR, s.multiply(rInv).mod(N)).normalize();
        return q.isInfinity() ? null : q;
    }
}
