package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.types.BlockHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The light client with real ML-DSA-65 signatures over a chain of real headers whose validator sets change:
 * adjacent and skipping verification, bisection through a full change of the set, and every lie a provider can
 * tell (a forged commit, a set that does not hash to the header, a fork, a wrong height, too little power, a
 * trusted height beyond the trusting period).
 */
class LightClientTest {
    static final String CHAIN = "cpc-light-test";
    static final int KEYS = 12;
    static final List<Validator> members = new ArrayList<>();
    static final List<Signer> signers = new ArrayList<>();

    @BeforeAll
    static void keys() {
        for (int i = 0; i < KEYS; i++) {
            KeyPair kp = MlDsa.generateKeyPair();
            String addr = "cpcvalcons1light" + i;
            members.add(new Validator(addr, Hex.encode(MlDsa.rawPublicKey(kp.getPublic())), 10));
            signers.add(MlDsaSignatures.signer(addr, kp.getPrivate()));
        }
    }

    /** A chain of headers 0..top; {@code setAt} gives the member indexes of each height's set. */
    static final class Chain implements LightClient.Provider {
        final Map<Long, LightBlock> blocks = new HashMap<>();
        final List<Long> asked = new ArrayList<>();
        final java.util.function.LongFunction<int[]> setAt;

        Chain(long top, java.util.function.LongFunction<int[]> setAt) {
            this.setAt = setAt;
            String prev = BlockHeader.ZERO_HASH;
            for (long h = 0; h <= top; h++) {
                LightBlock b = block(h, prev, setAt.apply(h), setAt.apply(h + 1), setAt.apply(h));
                blocks.put(h, b);
                prev = b.hashHex();
            }
        }

        @Override
        public LightBlock lightBlock(long height) throws LightClientException {
            asked.add(height);
            LightBlock b = blocks.get(height);
            if (b == null) throw new LightClientException("no light block " + height);
            return b;
        }
    }

    static ValidatorSet set(int[] idx) {
        List<Validator> v = new ArrayList<>();
        for (int i : idx) v.add(members.get(i));
        return new ValidatorSet(v);
    }

    static BlockHeader header(long h, String prev, int[] set, int[] next) {
        String zero = "00".repeat(32);
        return new BlockHeader(h, prev, 1_000L + h, CHAIN, members.get(set[0]).address(), 0, zero, zero, "", 0,
                1_000_000, set(set).hashHex(), set(next).hashHex(), "", "", null, null);
    }

    /** Header h of {@code set}, its commit signed by {@code signedBy}. */
    static LightBlock block(long h, String prev, int[] set, int[] next, int[] signedBy) {
        BlockHeader hd = header(h, prev, set, next);
        List<Signer> s = new ArrayList<>();
        for (int i : signedBy) s.add(signers.get(i));
        return new LightBlock(hd, CommitCertificate.signed(CHAIN, h, 0, hd.hashHex(), s), set(set));
    }

    static LightClient client(long period) {
        return new LightClient(CHAIN, MlDsaSignatures.VERIFIER, period);
    }

    static final int[] FIRST = {0, 1, 2, 3};

    @Test
    void adjacentAndSkippingWithAStableSetVerifyInOneStep() throws Exception {
        Chain c = new Chain(40, h -> FIRST);
        assertThat(client(100).verify(c.blocks.get(1L), 2, c)).extracting(LightBlock::height).containsExactly(2L);
        List<LightBlock> trace = client(100).verify(c.blocks.get(0L), 40, c);
        assertThat(trace).extracting(LightBlock::height).containsExactly(40L);
        assertThat(trace.getLast().hashHex()).isEqualTo(c.blocks.get(40L).hashHex());
    }

    @Test
    void aSetReplacedInStepsIsFollowedByBisection() throws Exception {
        // 0..15: members 0-3; 16..31: 4-7 with 3 kept; 32..: 8-11 (nobody of the first set)
        Chain c = new Chain(48, h -> h < 16 ? FIRST : h < 32 ? new int[] {3, 4, 5, 6} : new int[] {8, 9, 10, 11});
        List<LightBlock> trace = client(100).verify(c.blocks.get(1L), 48, c);
        assertThat(trace.getLast().height()).isEqualTo(48L);
        assertThat(trace.size()).isGreaterThan(1);
        // each step is a legal one: the heights go up, and every step was verifiable on its own
        long prev = 1;
        LightBlock from = c.blocks.get(1L);
        for (LightBlock b : trace) {
            assertThat(b.height()).isGreaterThan(prev);
            assertThat(client(100).verifyStep(from, b)).isTrue();
            prev = b.height();
            from = b;
        }
        // skipping straight from 1 to 48 is not allowed: no member of the first set signed 48
        assertThat(client(100).verifyStep(c.blocks.get(1L), c.blocks.get(48L))).isFalse();
    }

    @Test
    void aForgedHistoryByAnotherSetIsRefusedAtTheSeam() {
        // the honest chain keeps members 0-3; a liar holding only keys 8-11 serves a history in which its own set
        // took over at height 3, every header, set and commit consistent among themselves
        Chain honest = new Chain(30, h -> FIRST);
        Chain forged = new Chain(30, h -> h < 3 ? FIRST : new int[] {8, 9, 10, 11});
        // no trusted validator signed anything it serves: bisection comes down to the adjacent step, where the
        // forged set is not the one the trusted header announced
        assertThatThrownBy(() -> client(100).verify(honest.blocks.get(2L), 30, forged))
                .isInstanceOf(LightClientException.class).hasMessageContaining("light block 3 ");
        assertThatThrownBy(() -> client(100).verify(honest.blocks.get(9L), 30, forged))
                .isInstanceOf(LightClientException.class).hasMessageContaining("light block 10");
    }

    @Test
    void aCommitSignedByTooLittlePowerOrWithABadSignatureIsRefused() throws Exception {
        Chain c = new Chain(5, h -> FIRST);
        LightBlock good = c.blocks.get(5L);
        // two of four: not more than 2/3 of its own set (and not enough to skip from 0 either, so it bisects to 4->5)
        LightBlock weak = block(5, good.header().prevHash(), FIRST, FIRST, new int[] {0, 1});
        assertThatThrownBy(() -> client(100).verifyStep(c.blocks.get(4L), weak))
                .isInstanceOf(LightClientException.class).hasMessageContaining("needs more than 2/3");
        // a signature replaced by another validator's over the same precommit
        List<CommitSignature> sigs = new ArrayList<>(good.commit().signatures());
        sigs.set(1, new CommitSignature(sigs.get(1).validatorAddress(), sigs.get(2).signature()));
        LightBlock forged = new LightBlock(good.header(),
                new CommitCertificate(5, 0, good.hashHex(), sigs), good.validators());
        assertThatThrownBy(() -> client(100).verifyStep(c.blocks.get(4L), forged))
                .isInstanceOf(LightClientException.class).hasMessageContaining("bad precommit signature");
        // a commit for another block
        LightBlock other = new LightBlock(good.header(), c.blocks.get(4L).commit(), good.validators());
        assertThatThrownBy(() -> client(100).verifyStep(c.blocks.get(3L), other))
                .isInstanceOf(LightClientException.class).hasMessageContaining("commit is not for its header");
    }

    @Test
    void aSetThatDoesNotHashToTheHeaderOrAForkedParentIsRefused() {
        Chain c = new Chain(6, h -> FIRST);
        LightBlock good = c.blocks.get(6L);
        LightBlock wrongSet = new LightBlock(good.header(), good.commit(), set(new int[] {0, 1, 2}));
        assertThatThrownBy(() -> client(100).verifyStep(c.blocks.get(5L), wrongSet))
                .isInstanceOf(LightClientException.class).hasMessageContaining("does not hash to its validators_hash");
        LightBlock fork = block(6, "11".repeat(32), FIRST, FIRST, FIRST);
        assertThatThrownBy(() -> client(100).verifyStep(c.blocks.get(5L), fork))
                .isInstanceOf(LightClientException.class).hasMessageContaining("does not follow");
        // an adjacent block whose set is not the one its parent announced
        LightBlock swapped = block(6, c.blocks.get(5L).hashHex(), new int[] {0, 1, 2, 4}, FIRST, new int[] {0, 1, 2, 4});
        assertThatThrownBy(() -> client(100).verifyStep(c.blocks.get(5L), swapped))
                .isInstanceOf(LightClientException.class).hasMessageContaining("next_validators_hash");
    }

    @Test
    void aTrustedHeightBeyondTheTrustingPeriodAndAProviderThatAnswersAnotherHeightAreRefused() {
        Chain c = new Chain(30, h -> FIRST);
        assertThatThrownBy(() -> client(20).verify(c.blocks.get(5L), 30, c))
                .isInstanceOf(LightClientException.class).hasMessageContaining("trusting period");
        LightClient.Provider liar = h -> c.blocks.get(h - 1);
        assertThatThrownBy(() -> client(100).verify(c.blocks.get(5L), 30, liar))
                .isInstanceOf(LightClientException.class).hasMessageContaining("asked for the light block of 30");
        assertThatThrownBy(() -> client(100).verify(c.blocks.get(5L), 5, c))
                .isInstanceOf(LightClientException.class).hasMessageContaining("not above");
    }

    @Test
    void bisectionAsksForTheMidpoints() throws Exception {
        // every 8 heights the set moves on by three of four members: skipping more than one change is impossible
        Chain c = new Chain(32, h -> {
            int base = (int) (h / 8) * 3 % 9;
            return new int[] {base, base + 1, base + 2, base + 3};
        });
        List<LightBlock> trace = client(100).verify(c.blocks.get(0L), 32, c);
        assertThat(trace.getLast().height()).isEqualTo(32L);
        assertThat(c.asked.getFirst()).isEqualTo(32L);
        assertThat(c.asked).contains(16L);
    }
}
