package org.cpc.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.params.ParametersWithContext;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPublicKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSASigner;
import org.cpc.protocol.codec.Hex;
import org.junit.jupiter.api.Test;

class MlDsaTest {
    private static final int WYCHEPROOF_CASES = 210;

    @Test
    void signVerifyAndKeyRoundTrips() {
        KeyPair kp = MlDsa.generateKeyPair();
        byte[] raw = MlDsa.rawPublicKey(kp.getPublic());
        byte[] msg = "block 1".getBytes(StandardCharsets.UTF_8);
        byte[] sig = MlDsa.sign(kp.getPrivate(), msg);

        assertThat(raw).hasSize(MlDsa.PUBLIC_KEY_LENGTH);
        assertThat(sig).hasSize(MlDsa.SIGNATURE_LENGTH);
        assertThat(MlDsa.verify(raw, msg, sig)).isTrue();
        assertThat(MlDsa.rawPublicKey(MlDsa.publicKey(raw))).isEqualTo(raw);
        assertThat(MlDsa.publicKey(raw).getEncoded()).isEqualTo(kp.getPublic().getEncoded());

        var decoded = MlDsa.decodePrivateKey(MlDsa.encodePrivateKey(kp.getPrivate()));
        assertThat(MlDsa.verify(raw, msg, MlDsa.sign(decoded, msg))).isTrue();
    }

    @Test
    void badInputsAreFalseNotExceptions() {
        KeyPair kp = MlDsa.generateKeyPair();
        byte[] raw = MlDsa.rawPublicKey(kp.getPublic());
        byte[] msg = {1, 2, 3};
        byte[] sig = MlDsa.sign(kp.getPrivate(), msg);
        byte[] flipped = sig.clone();
        flipped[100] ^= 1;

        assertThat(MlDsa.verify(raw, new byte[] {1, 2, 4}, sig)).isFalse();
        assertThat(MlDsa.verify(raw, msg, flipped)).isFalse();
        assertThat(MlDsa.verify(raw, msg, Arrays.copyOf(sig, sig.length - 1))).isFalse();
        assertThat(MlDsa.verify(Arrays.copyOf(raw, 1951), msg, sig)).isFalse();
        assertThat(MlDsa.verify(null, msg, sig)).isFalse();
        assertThat(MlDsa.verify(raw, null, sig)).isFalse();
        assertThat(MlDsa.verify(raw, msg, null)).isFalse();
        assertThat(MlDsa.verify(new byte[MlDsa.PUBLIC_KEY_LENGTH], msg, sig)).isFalse();
        assertThatThrownBy(() -> MlDsa.publicKey(new byte[10])).hasMessageContaining("1952 bytes");
        assertThatThrownBy(() -> MlDsa.decodePrivateKey(new byte[] {1, 2})).hasMessageContaining("private key");
    }

    /**
     * Every Wycheproof ML-DSA-65 case. The protocol signs with FIPS 204's default empty context, and the JDK's
     * Signature API offers no way to pass another. So cases without a context, or with an empty one, must give
     * their expected result through {@link MlDsa#verify}. Cases with a non-empty context are checked twice:
     * Bouncy Castle's ML-DSA with that context must give the expected result (so the vectors are understood), and
     * {@link MlDsa#verify} must reject them all, because a signature bound to another context is not a protocol
     * signature. Contexts over 255 bytes are invalid per FIPS 204 (BC refuses them outright).
     */
    @Test
    void wycheproof() {
        JsonNode file = Vectors.load("wycheproof-mldsa_65_verify_test.json");
        List<String> failures = new ArrayList<>();
        int cases = 0;
        int withContext = 0;
        for (JsonNode group : file.get("testGroups")) {
            byte[] pub = Hex.decode(group.get("publicKey").asText());
            for (JsonNode tc : group.get("tests")) {
                cases++;
                byte[] msg = Hex.decode(tc.get("msg").asText());
                byte[] sig = Hex.decode(tc.get("sig").asText());
                byte[] ctx = tc.has("ctx") ? Hex.decode(tc.get("ctx").asText()) : new byte[0];
                boolean expected = switch (tc.get("result").asText()) {
                    case "valid" -> true;
                    case "invalid" -> false;
                    default -> throw new IllegalStateException("unexpected result in tcId " + tc.get("tcId"));
                };
                boolean ours = MlDsa.verify(pub, msg, sig);
                if (ctx.length == 0) {
                    if (ours != expected) failures.add("tcId " + tc.get("tcId") + " " + tc.get("comment"));
                } else {
                    withContext++;
                    if (ours) failures.add("tcId " + tc.get("tcId") + " accepted despite a non-empty context");
                    if (bouncyCastleVerify(pub, msg, sig, ctx) != expected) {
                        failures.add("tcId " + tc.get("tcId") + " (Bouncy Castle with context) " + tc.get("comment"));
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(WYCHEPROOF_CASES).isEqualTo(file.get("numberOfTests").asInt());
        assertThat(withContext).isPositive();
        assertThat(failures).isEmpty();
    }

    private static boolean bouncyCastleVerify(byte[] pub, byte[] msg, byte[] sig, byte[] ctx) {
        try {
            MLDSASigner verifier = new MLDSASigner();
            verifier.init(false, new ParametersWithContext(
                    new MLDSAPublicKeyParameters(MLDSAParameters.ml_dsa_65, pub), ctx));
            verifier.update(msg, 0, msg.length);
            return verifier.verifySignature(sig);
        } catch (IllegalArgumentException contextTooLongOrBadKey) {
            return false;
        }
    }
}
