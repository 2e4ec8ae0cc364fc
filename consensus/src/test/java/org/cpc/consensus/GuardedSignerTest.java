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
    final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void key() {
        kp = MlDsa.generateKeyPair();
    }

    GuardedSigner open() {
        return new GuardedSigner(MlDsaSignatures.signer(ADDR, kp.getPrivate()),
                new FileSignStateStore(tmp.resolve("consensus/priv_validator_state.log"), warnings::add), refused::add);
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
    void aTornLastAppendIsDroppedBecauseItsSignatureNeverLeft() throws Exception {
        GuardedSigner s = open();
        String first = s.sign(prevote(9, 3, hash('a')));
        s.sign(precommit(9, 3, hash('a')));
        Path f = tmp.resolve("consensus/priv_validator_state.log");
        byte[] data = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(data, data.length - 10)); // the crash came mid-append
        GuardedSigner again = open();
        assertThat(warnings).singleElement().asString().contains(f.toString()).contains("dropping");
        assertThat(again.last().last().kind()).isEqualTo(SignState.Kind.PREVOTE);
        assertThat(again.sign(prevote(9, 3, hash('a')))).isEqualTo(first);
        again.sign(precommit(9, 3, null)); // overwrites the torn bytes
        assertThat(open().last().last().signBytesSha256()).isEqualTo(Hex.encode(
                org.cpc.protocol.crypto.Sha256.hash(precommit(9, 3, null))));
    }

    @Test
    void aDamagedStateFileFailsStartUpInsteadOfResetting() throws Exception {
        GuardedSigner s = open();
        s.sign(prevote(9, 3, hash('a')));
        s.sign(precommit(9, 3, hash('a')));
        Path f = tmp.resolve("consensus/priv_validator_state.log");
        byte[] good = Files.readAllBytes(f);

        byte[] lastFlipped = good.clone();
        lastFlipped[good.length - 3] ^= 1; // a whole last record that does not check: not a torn append
        Files.write(f, lastFlipped);
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("refusing to start");

        byte[] firstFlipped = good.clone();
        firstFlipped[RecordFraming.HEADER + 5] ^= 1;
        Files.write(f, firstFlipped);
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("offset 0");

        // Two whole records in the wrong order (a file stitched together by hand, or blocks swapped on disk).
        int firstLen = RecordFraming.HEADER + java.nio.ByteBuffer.wrap(good).getInt(0);
        byte[] swapped = new byte[good.length];
        System.arraycopy(good, firstLen, swapped, 0, good.length - firstLen);
        System.arraycopy(good, 0, swapped, good.length - firstLen, firstLen);
        Files.write(f, swapped);
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("not after");

        Files.write(f, good);
        assertThat(open().last().height()).isEqualTo(9);
    }

    @Test
    void aLongLogIsCompactedAtANewHeight() throws Exception {
        GuardedSigner s = open();
        Path f = tmp.resolve("consensus/priv_validator_state.log");
        s.sign(prevote(0, 0, null));
        long h = 1;
        while (Files.size(f) < FileSignStateStore.COMPACT_BYTES) s.sign(prevote(h++, 0, null));
        String sig = s.sign(prevote(h, 0, null));
        assertThat(Files.size(f)).isLessThan(20_000);
        GuardedSigner again = open();
        assertThat(again.last().height()).isEqualTo(h);
        assertThat(again.sign(prevote(h, 0, null))).isEqualTo(sig);
        long before = h - 1;
        assertThatThrownBy(() -> again.sign(prevote(before, 0, null))).isInstanceOf(SignRefusedException.class);
    }
}
