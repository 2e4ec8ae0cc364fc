package org.cpc.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.cpc.protocol.codec.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Secp256k1Test {
    private static final BigInteger N = Secp256k1Curve.N;

    static List<Secp256k1> backends() {
        return Vectors.secpBackends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void protocolTransactionSignaturesVerifyAndTheirHighSTwinsDoNot(Secp256k1 secp) {
        JsonNode txs = Vectors.load("cpc-protocol-v1.json").get("transactions");
        int n = 0;
        for (JsonNode tc : txs) {
            byte[] pub = Hex.decode(tc.get("tx").get("pub_key").asText());
            byte[] hash = Hex.decode(tc.get("tx_hash").asText());
            byte[] sig = Hex.decode(tc.get("tx").get("signature").asText());
            assertThat(Sha256.hash(tc.get("signing_bytes").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .isEqualTo(hash);
            assertThat(secp.verify(pub, hash, sig)).as("tx %d", n).isTrue();
            assertThat(secp.verify(pub, hash, highS(sig))).as("high-S twin of tx %d", n).isFalse();
            assertThat(Address.account(pub)).isEqualTo(tc.get("tx").get("from_address").asText());
            n++;
        }
        assertThat(n).isEqualTo(txs.size()).isPositive();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void signsDeterministicallyWithLowS(Secp256k1 secp) {
        byte[] priv = Secp256k1.randomPrivateKey();
        byte[] hash = Sha256.hash(new byte[] {1, 2, 3});
        byte[] sig = secp.sign(priv, hash);
        assertThat(sig).hasSize(64).isEqualTo(secp.sign(priv, hash));
        assertThat(Secp256k1Curve.s(sig)).isLessThanOrEqualTo(Secp256k1Curve.HALF_N);
        assertThat(secp.verify(secp.publicKey(priv), hash, sig)).isTrue();
    }

    /** RFC 6979 test vector for secp256k1 via bitcoin-core's well-known key 1 / "Satoshi Nakamoto" case. */
    @ParameterizedTest
    @MethodSource("backends")
    void knownDeterministicSignature(Secp256k1 secp) {
        byte[] priv = new byte[32];
        priv[31] = 1;
        byte[] hash = Sha256.hash("Satoshi Nakamoto".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(Hex.encode(secp.sign(priv, hash))).isEqualTo(
                "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
                        + "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void rejectsMalformedInputsWithoutThrowing(Secp256k1 secp) {
        byte[] priv = Secp256k1.randomPrivateKey();
        byte[] pub = secp.publicKey(priv);
        byte[] hash = Sha256.hash(new byte[] {9});
        byte[] sig = secp.sign(priv, hash);
        byte[] rZero = sig.clone();
        Arrays.fill(rZero, 0, 32, (byte) 0);
        byte[] sZero = sig.clone();
        Arrays.fill(sZero, 32, 64, (byte) 0);
        byte[] rN = sig.clone();
        System.arraycopy(Hex.decode(Hex.encode(Secp256k1Curve.concat(N, BigInteger.ONE)).substring(0, 64)), 0, rN, 0, 32);
        byte[] badPrefix = pub.clone();
        badPrefix[0] = 4;
        byte[] notOnCurve = pub.clone();
        notOnCurve[1] ^= 1;
        byte[] wrongKey = secp.publicKey(Secp256k1.randomPrivateKey());

        assertThat(secp.verify(pub, hash, sig)).isTrue();
        for (byte[] bad : List.of(rZero, sZero, rN, Arrays.copyOf(sig, 63), Arrays.copyOf(sig, 65), new byte[64])) {
            assertThat(secp.verify(pub, hash, bad)).isFalse();
        }
        assertThat(secp.verify(pub, hash, null)).isFalse();
        assertThat(secp.verify(null, hash, sig)).isFalse();
        assertThat(secp.verify(Arrays.copyOf(pub, 32), hash, sig)).isFalse();
        assertThat(secp.verify(badPrefix, hash, sig)).isFalse();
        assertThat(secp.verify(wrongKey, hash, sig)).isFalse();
        // Flipping a bit of x lands on a curve point only half the time; either way it must not verify.
        assertThat(secp.verify(notOnCurve, hash, sig)).isFalse();
        assertThatThrownBy(() -> secp.verify(pub, new byte[31], sig))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void refusesInvalidPrivateKeys(Secp256k1 secp) {
        byte[] hash = new byte[32];
        assertThatThrownBy(() -> secp.sign(new byte[32], hash)).hasMessageContaining("[1, n-1]");
        assertThatThrownBy(() -> secp.publicKey(Secp256k1Curve.concat(N, N))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> secp.publicKey(new byte[31])).hasMessageContaining("32 bytes");
        assertThat(Secp256k1.isValidPrivateKey(new byte[32])).isFalse();
        assertThat(Secp256k1.isValidPrivateKey(Hex.decode(Hex.encode(Secp256k1Curve.concat(N.subtract(BigInteger.ONE),
                N)).substring(0, 64)))).isTrue();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void recoversTheSigner(Secp256k1 secp) {
        byte[] priv = Secp256k1.randomPrivateKey();
        byte[] hash = Sha256.hash(priv);
        byte[] sig = secp.signRecoverable(priv, hash);
        assertThat(sig).hasSize(65);
        assertThat(Arrays.copyOf(sig, 64)).isEqualTo(secp.sign(priv, hash));
        assertThat(secp.recover(hash, sig)).isEqualTo(secp.publicKey(priv));

        byte[] high = Arrays.copyOf(highS(Arrays.copyOf(sig, 64)), 65);
        high[64] = (byte) (sig[64] ^ 1);
        assertThatThrownBy(() -> secp.recover(hash, high)).hasMessageContaining("high S");
        byte[] badId = sig.clone();
        badId[64] = 4;
        assertThatThrownBy(() -> secp.recover(hash, badId)).hasMessageContaining("recovery id must be 0..3");
        assertThatThrownBy(() -> secp.recover(hash, Arrays.copyOf(sig, 64))).hasMessageContaining("65 bytes");
        byte[] rZero = sig.clone();
        Arrays.fill(rZero, 0, 32, (byte) 0);
        assertThatThrownBy(() -> secp.recover(hash, rZero)).hasMessageContaining("r is zero");
    }

    @Test
    void systemPropertyForcesPureJava() {
        Optional<Secp256k1> nativeLib = Secp256k1.nativeLibrary();
        assertThat(Secp256k1Backends.choose("java", nativeLib).backend()).isEqualTo("pure Java (Bouncy Castle)");
        assertThat(Secp256k1Backends.choose(null, Optional.empty())).isSameAs(Secp256k1.pureJava());
        nativeLib.ifPresent(lib -> assertThat(Secp256k1Backends.choose(null, nativeLib).backend())
                .isEqualTo("native libsecp256k1"));
        assertThat(Secp256k1.get().backend()).isEqualTo(
                "java".equals(System.getProperty("cpc.secp256k1")) || nativeLib.isEmpty()
                        ? "pure Java (Bouncy Castle)" : "native libsecp256k1");
    }

    static byte[] highS(byte[] sig64) {
        BigInteger s = Secp256k1Curve.s(sig64);
        return Secp256k1Curve.concat(Secp256k1Curve.r(sig64), N.subtract(s));
    }
}
