package org.cpc.node.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.cpc.consensus.DuplicateVoteEvidence;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.consensus.Vote;
import org.cpc.consensus.VoteType;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evidence log with real ML-DSA-65 signatures: verified, deduplicated, durable, bounded, newest first. */
class EvidenceStoreTest {
    static final String CHAIN = "cpc-test";
    static KeyPair alice;
    static KeyPair mallory;
    static ValidatorSet set;

    @TempDir
    Path tmp;
    final List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void keys() {
        alice = MlDsa.generateKeyPair();
        mallory = MlDsa.generateKeyPair();
        set = new ValidatorSet(List.of(
                new Validator("cpcvalcons1alice", Hex.encode(MlDsa.rawPublicKey(alice.getPublic())), 1),
                new Validator("cpcvalcons1mallory", Hex.encode(MlDsa.rawPublicKey(mallory.getPublic())), 1)));
    }

    EvidenceStore open() {
        return EvidenceStore.open(tmp.resolve("consensus/evidence.log"), CHAIN, MlDsaSignatures.VERIFIER, warnings::add);
    }

    static Vote vote(KeyPair key, String address, long h, int r, String hash) {
        Vote u = new Vote(VoteType.PREVOTE, h, r, hash, address, null);
        return u.withSignature(MlDsaSignatures.signer(address, key.getPrivate()).sign(SignBytes.vote(CHAIN, u)));
    }

    static DuplicateVoteEvidence equivocation(long h, int r) {
        return new DuplicateVoteEvidence(vote(mallory, "cpcvalcons1mallory", h, r, "a".repeat(64)),
                vote(mallory, "cpcvalcons1mallory", h, r, null));
    }

    @Test
    void keepsVerifiedEvidenceOnceNewestFirstAcrossReopen() {
        try (EvidenceStore s = open()) {
            assertThat(s.add(equivocation(5, 0), set)).isTrue();
            assertThat(s.add(equivocation(5, 0), set)).as("same validator, height, round, type").isFalse();
            assertThat(s.add(equivocation(7, 2), set)).isTrue();
            // Alice's second vote signed with mallory's key: does not verify, so it is not evidence against alice.
            Vote aliceNil = new Vote(VoteType.PREVOTE, 8, 0, null, "cpcvalcons1alice", null);
            String wrongKey = MlDsaSignatures.signer("cpcvalcons1alice", mallory.getPrivate()).sign(SignBytes.vote(CHAIN, aliceNil));
            DuplicateVoteEvidence forged = new DuplicateVoteEvidence(vote(alice, "cpcvalcons1alice", 8, 0, "b".repeat(64)),
                    aliceNil.withSignature(wrongKey));
            assertThat(s.add(forged, set)).isFalse();
        }
        try (EvidenceStore s = open()) {
            assertThat(s.size()).isEqualTo(2);
            assertThat(s.newest(10)).extracting(o -> o.path("height").asLong()).containsExactly(7L, 5L);
            assertThat(s.newest(1)).singleElement().satisfies(o -> {
                assertThat(o.path("validator_address").asText()).isEqualTo("cpcvalcons1mallory");
                assertThat(o.path("vote_type").asText()).isEqualTo("prevote");
                assertThat(o.path("second").path("block_hash").isNull()).isTrue();
            });
            assertThat(s.add(equivocation(5, 0), set)).as("still deduplicated after reopen").isFalse();
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void aTornTailIsDroppedAndCorruptionBeforeTheEndFailsTheOpen() throws Exception {
        try (EvidenceStore s = open()) {
            s.add(equivocation(1, 0), set);
            s.add(equivocation(2, 0), set);
        }
        Path f = tmp.resolve("consensus/evidence.log");
        byte[] full = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(full, full.length - 100));
        try (EvidenceStore s = open()) {
            assertThat(s.size()).isEqualTo(1);
            assertThat(warnings).singleElement().asString().contains(f.toString());
            assertThat(s.add(equivocation(2, 0), set)).isTrue();
        }
        byte[] again = Files.readAllBytes(f);
        again[20] ^= 1;
        Files.write(f, again);
        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class).hasMessageContaining("offset 0");
    }

    @Test
    void boundedByDroppingTheOldest() {
        try (EvidenceStore s = open()) {
            for (int h = 1; h <= EvidenceStore.MAX_ENTRIES + 1; h++) assertThat(s.add(equivocation(h, 0), set)).isTrue();
            assertThat(s.size()).isEqualTo(EvidenceStore.MAX_ENTRIES);
        }
        try (EvidenceStore s = open()) {
            List<Long> heights = s.newest(EvidenceStore.MAX_ENTRIES).stream().map(o -> o.path("height").asLong()).toList();
            assertThat(heights.getFirst()).isEqualTo(EvidenceStore.MAX_ENTRIES + 1L);
            assertThat(heights.getLast()).isEqualTo(2L);
        }
    }
}
