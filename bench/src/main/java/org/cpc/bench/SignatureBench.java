package org.cpc.bench;

import java.security.KeyPair;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Signature verification on one thread: secp256k1 (every transaction) on both backends, ML-DSA-65 (every block
 * and, later, every vote).
 */
@State(Scope.Thread)
@Threads(1)
public class SignatureBench extends JmhDefaults {
    private final Secp256k1 nativeSecp = Secp256k1.nativeLibrary().orElse(null);
    private final Secp256k1 javaSecp = Secp256k1.pureJava();
    private byte[] pub;
    private byte[] hash;
    private byte[] sig;
    private byte[] recoverable;
    private byte[] mlPub;
    private byte[] mlSig;
    private byte[] blockHash;

    @Setup
    public void setup() {
        byte[] priv = Secp256k1.randomPrivateKey();
        Secp256k1 s = Secp256k1.get();
        pub = s.publicKey(priv);
        hash = Sha256.hash(new byte[] {1, 2, 3});
        sig = s.sign(priv, hash);
        recoverable = s.signRecoverable(priv, hash);
        KeyPair kp = MlDsa.generateKeyPair();
        mlPub = MlDsa.rawPublicKey(kp.getPublic());
        blockHash = Sha256.hash(new byte[] {4, 5, 6});
        mlSig = MlDsa.sign(kp.getPrivate(), blockHash);
    }

    @Benchmark
    public boolean secp256k1VerifyNative() {
        if (nativeSecp == null) throw new IllegalStateException("native libsecp256k1 did not load");
        return nativeSecp.verify(pub, hash, sig);
    }

    @Benchmark
    public boolean secp256k1VerifyPureJava() {
        return javaSecp.verify(pub, hash, sig);
    }

    @Benchmark
    public byte[] secp256k1RecoverNative() {
        if (nativeSecp == null) throw new IllegalStateException("native libsecp256k1 did not load");
        return nativeSecp.recover(hash, recoverable);
    }

    @Benchmark
    public boolean mlDsa65Verify() {
        return MlDsa.verify(mlPub, blockHash, mlSig);
    }
}
