package org.cpc.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Round trips on random keys and hashes, and the two implementations checking each other byte for byte. */
class Secp256k1PropertiesTest {
    private final List<Secp256k1> backends = Vectors.secpBackends();

    @Provide
    Arbitrary<byte[]> privateKeys() {
        return Arbitraries.bigIntegers().between(BigInteger.ONE, Secp256k1Curve.N.subtract(BigInteger.ONE))
                .map(k -> Arrays.copyOfRange(Secp256k1Curve.concat(k, BigInteger.ONE), 0, 32));
    }

    @Property(tries = 100)
    void signVerifyRecoverRoundTrip(@ForAll("privateKeys") byte[] priv, @ForAll @Size(32) byte[] hash) {
        for (Secp256k1 secp : backends) {
            byte[] pub = secp.publicKey(priv);
            byte[] sig = secp.sign(priv, hash);
            assertThat(secp.verify(pub, hash, sig)).isTrue();
            assertThat(secp.verify(pub, hash, Secp256k1Test.highS(sig))).isFalse();
            assertThat(secp.recover(hash, secp.signRecoverable(priv, hash))).isEqualTo(pub);
            byte[] other = hash.clone();
            other[0] ^= 1;
            assertThat(secp.verify(pub, other, sig)).isFalse();
        }
    }

    @Property(tries = 100)
    void implementationsAgree(@ForAll("privateKeys") byte[] priv, @ForAll @Size(32) byte[] hash) {
        Secp256k1 a = backends.getFirst();
        Secp256k1 b = backends.getLast();
        assertThat(a.publicKey(priv)).isEqualTo(b.publicKey(priv));
        byte[] sigA = a.signRecoverable(priv, hash);
        byte[] sigB = b.signRecoverable(priv, hash);
        assertThat(sigA).isEqualTo(sigB);
        byte[] pub = a.publicKey(priv);
        assertThat(b.verify(pub, hash, Arrays.copyOf(sigA, 64))).isTrue();
        assertThat(a.verify(pub, hash, Arrays.copyOf(sigB, 64))).isTrue();
        assertThat(b.recover(hash, sigA)).isEqualTo(pub);
        assertThat(a.recover(hash, sigB)).isEqualTo(pub);
    }

    /** Random bytes as a signature: both implementations must give the same answer (almost always false). */
    @Property(tries = 100)
    void implementationsAgreeOnGarbage(@ForAll("privateKeys") byte[] priv, @ForAll @Size(32) byte[] hash,
                                       @ForAll @Size(64) byte[] sig) {
        byte[] pub = backends.getFirst().publicKey(priv);
        assertThat(backends.getFirst().verify(pub, hash, sig)).isEqualTo(backends.getLast().verify(pub, hash, sig));
    }
}
