package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The double-sign guard over a real ML-DSA-65 key (hedged: signing the same bytes twice gives two signatures). */
class GuardedSignerTest {
    static final String CHAIN = "cpc-test";
    static final String ADDR = "cpcvalcons1me";
    static KeyPair kp;

    @TempDir
    Path tmp;
    final List<SignRefusedException> refused = new ArrayList<>();

    @BeforeAll
    static void key() {
        kp = MlDsa.generateKeyPair();
    }

    GuardedSigner open() {
        return new GuardedSigner(MlDsaSignatures.signer(ADDR, kp.getPrivate()),
                new FileSignStateStore(tmp.resolve("consensus/priv_validator_state.json")), refused::add);
    }

    static byte[] prevote(long h, int r, String hash) {
        return SignBytes.vote(CHAIN, VoteType.PREVOTE, h, r, hash, ADDR);
    }

    static byte[] precommit(long h, int r, String hash) {
        return SignBytes.vote(CHAIN, VoteType.PRECOMMIT, h, r, hash, ADDR);
    }

    static String hash(char c) {
        return String.valueOf(c).repeat(64);
    }

    boolean verifies(byte[] msg, String sig) {
        return MlDsa.verify(MlDsa.rawPublicKey(kp.getPublic()), msg, Hex.decode(sig));
    }

    @Test
    void sameRequestGetsTheSameSignatureEvenAfterReopening() {
        GuardedSigner s = open();
        String first = s.sign(prevote(5, 0, hash('a')));
        assertThat(verifies(prevote(5, 0, hash('a')), first)).isTrue();
        assertThat(s.sign(prevote(5, 0, hash('a')))).isEqualTo(first);
        // The underlying key alone would give a fresh signature: the guard really returns the stored one.
        assertThat(MlDsaSignatures.signer(ADDR, kp.getPrivate()).sign(prevote(5, 0, hash('a')))).isNotEqualTo(first);
        assertThat(open().sign(prevote(5, 0, hash('a')))).isEqualTo(first);
        assertThat(refused).isEmpty();
    }

    @Test
    void conflictingAndEarlierRequestsAreRefusedAcrossARestart() {
        GuardedSigner s = open();
        s.sign(SignBytes.proposal(CHAIN, 5, 1, -1, hash('a')));
        s.sign(prevote(5, 1, hash('a')));
        GuardedSigner again = open();
        assertThat(again.last().height()).isEqualTo(5);
        assertThat(again.last().last().kind()).isEqualTo(SignState.Kind.PREVOTE);
        assertThatThrownBy(() -> again.sign(prevote(5, 1, null))).isInstanceOf(SignRefusedException.class)
                .hasMessageContaining("different bytes");
        assertThatThrownBy(() -> again.sign(SignBytes.proposal(CHAIN, 5, 1, -1, hash('b'))))
                .isInstanceOf(SignRefusedException.class).hasMessageContaining("different bytes");
        assertThatThrownBy(() -> again.sign(prevote(5, 0, hash('a')))).isInstanceOf(SignRefusedException.class)
                .hasMessageContaining("already signed prevote");
        assertThatThrownBy(() -> again.sign(precommit(4, 9, hash('a')))).isInstanceOf(SignRefusedException.class);
        assertThat(refused).hasSize(4);
        // Later positions sign: the precommit of the round, then a higher round, then a higher height.
        assertThat(verifies(precommit(5, 1, hash('a')), again.sign(precommit(5, 1, hash('a'))))).isTrue();
        again.sign(prevote(5, 2, null));
        again.sign(SignBytes.proposal(CHAIN, 6, 0, -1, hash('c')));
        assertThat(open().last()).isEqualTo(again.last());
    }

    @Test
    void everySignatureOfTheHeightIsGivenBackForAReplayUntilTheNextHeight() {
        GuardedSigner s = open();
        byte[][] msgs = {SignBytes.proposal(CHAIN, 5, 0, -1, hash('a')), prevote(5, 0, hash('a')),
                precommit(5, 0, null), prevote(5, 1, null)};
        List<String> sigs = new ArrayList<>();
        for (byte[] m : msgs) sigs.add(s.sign(m));
        GuardedSigner again = open();
        for (int i = 0; i < msgs.length; i++) assertThat(again.sign(msgs[i])).isEqualTo(sigs.get(i));
        again.sign(prevote(6, 0, hash('b')));
        assertThatThrownBy(() -> again.sign(msgs[3])).isInstanceOf(SignRefusedException.class);
        assertThat(open().last().signatures()).hasSize(1);
    }

    @Test
    void refusesBytesThatAreNotConsensusSignBytes() {
        GuardedSigner s = open();
        assertThatThrownBy(() -> s.sign(new byte[32])).isInstanceOf(SignRefusedException.class);
        assertThatThrownBy(() -> s.sign("{\"domain\":\"cpc/block/v1\",\"height\":1,\"round\":0}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(SignRefusedException.class).hasMessageContaining("domain");
        assertThat(s.last()).isNull();
    }

    @Test
    void aDamagedStateFileFailsStartUpInsteadOfResetting() throws Exception {
        open().sign(prevote(9, 3, hash('a')));
        Path f = tmp.resolve("consensus/priv_validator_state.json");
        String good = Files.readString(f);

        Files.writeString(f, good.substring(0, good.length() / 2)); // torn
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("refusing to start");

        Files.writeString(f, good.replace("\"height\":9", "\"height\":1")); // a regressed height
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("checksum");

        Files.writeString(f, "");
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class);

        Files.writeString(f, good);
        assertThat(open().last().height()).isEqualTo(9);
        assertThat(Files.exists(tmp.resolve("consensus/priv_validator_state.json.tmp"))).isFalse();
    }
}
