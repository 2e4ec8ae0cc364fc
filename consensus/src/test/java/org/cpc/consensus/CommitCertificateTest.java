package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.MlDsa;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign bytes, certificates and evidence with real ML-DSA-65 keys. */
class CommitCertificateTest {
    static final String CHAIN = "cpc-devnet";
    static final String HASH = "ab".repeat(32);
    static final List<Signer> signers = new ArrayList<>();
    static ValidatorSet set;

    @BeforeAll
    static void keys() {
        List<Validator> vals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            KeyPair kp = MlDsa.generateKeyPair();
            String addr = "cpcvalcons1mldsa" + i;
            vals.add(new Validator(addr, Hex.encode(MlDsa.rawPublicKey(kp.getPublic())), 10));
            signers.add(MlDsaSignatures.signer(addr, kp.getPrivate()));
        }
        set = new ValidatorSet(vals);
    }

    static CommitSignature precommit(int i, long height, int round, String hash) {
        byte[] msg = SignBytes.vote(CHAIN, VoteType.PRECOMMIT, height, round, hash, signers.get(i).address());
        return new CommitSignature(signers.get(i).address(), signers.get(i).sign(msg));
    }

    static CommitCertificate cert(int... who) {
        List<CommitSignature> sigs = new ArrayList<>();
        for (int i : who) sigs.add(precommit(i, 5, 2, HASH));
        return new CommitCertificate(5, 2, HASH, sigs);
    }

    @Test
    void signBytesAreJcsWithDomainAndChainId() {
        assertThat(new String(SignBytes.vote(CHAIN, VoteType.PRECOMMIT, 7, 1, HASH, "cpcvalcons1x"), StandardCharsets.UTF_8))
                .isEqualTo("{\"block_hash\":\"" + HASH + "\",\"chain_id\":\"cpc-devnet\",\"domain\":\"cpc/consensus/vote/v1\","
                        + "\"height\":7,\"round\":1,\"type\":\"precommit\",\"validator_address\":\"cpcvalcons1x\"}");
        assertThat(new String(SignBytes.vote(CHAIN, VoteType.PREVOTE, 7, 0, null, "cpcvalcons1x"), StandardCharsets.UTF_8))
                .contains("\"block_hash\":null").contains("\"type\":\"prevote\"");
        assertThat(new String(SignBytes.proposal(CHAIN, 7, 3, -1, HASH), StandardCharsets.UTF_8))
                .isEqualTo("{\"block_hash\":\"" + HASH + "\",\"chain_id\":\"cpc-devnet\",\"domain\":\"cpc/consensus/proposal/v1\","
                        + "\"height\":7,\"pol_round\":-1,\"round\":3}");
    }

    @Test
    void threeOfFourVerifiesAndRoundTripsThroughJson() throws Exception {
        CommitCertificate c = cert(0, 1, 3);
        CommitVerifier v = new CommitVerifier(CHAIN, MlDsaSignatures.VERIFIER);
        v.verify(set, 5, HASH, c);
        String json = Json.MAPPER.writeValueAsString(c.toJson());
        assertThat(json).startsWith("{\"round\":2,\"signatures\":[{\"validator_address\":\"cpcvalcons1mldsa0\",\"signature\":\"");
        CommitCertificate back = CommitCertificate.fromJson(Json.parse(json), 5, HASH);
        assertThat(back).isEqualTo(c);
        v.verify(set, 5, HASH, back);
    }

    @Test
    void verifierRefusesWhatIsNotAProofOfFinality() {
        CommitVerifier v = new CommitVerifier(CHAIN, MlDsaSignatures.VERIFIER);
        assertThatThrownBy(() -> v.verify(set, 5, HASH, cert(0, 1))).hasMessageContaining("needs more than 2/3");
        assertThatThrownBy(() -> v.verify(set, 5, HASH, cert(0, 1, 1))).hasMessageContaining("two signatures");
        assertThatThrownBy(() -> v.verify(set, 6, HASH, cert(0, 1, 2))).hasMessageContaining("height");
        assertThatThrownBy(() -> v.verify(set, 5, "cd".repeat(32), cert(0, 1, 2))).hasMessageContaining("not");
        // The same signatures claimed for another round do not verify.
        CommitCertificate c = cert(0, 1, 2);
        CommitCertificate otherRound = new CommitCertificate(5, 3, HASH, c.signatures());
        assertThatThrownBy(() -> v.verify(set, 5, HASH, otherRound)).hasMessageContaining("bad precommit signature");
        // A signature by a non-member.
        List<CommitSignature> sigs = new ArrayList<>(c.signatures());
        sigs.add(new CommitSignature("cpcvalcons1stranger", c.signatures().getFirst().signature()));
        assertThatThrownBy(() -> v.verify(set, 5, HASH, new CommitCertificate(5, 2, HASH, sigs)))
                .hasMessageContaining("not a validator");
        // Signed for another chain.
        byte[] msg = SignBytes.vote("other-chain", VoteType.PRECOMMIT, 5, 2, HASH, signers.get(3).address());
        List<CommitSignature> wrongChain = new ArrayList<>(cert(0, 1).signatures());
        wrongChain.add(new CommitSignature(signers.get(3).address(), signers.get(3).sign(msg)));
        assertThat(v.isValid(set, 5, HASH, new CommitCertificate(5, 2, HASH, wrongChain))).isFalse();
    }

    @Test
    void duplicateVoteEvidenceVerifiesWithMlDsa() {
        Vote a = signed(new Vote(VoteType.PREVOTE, 9, 0, HASH, signers.get(2).address(), null), 2);
        Vote b = signed(new Vote(VoteType.PREVOTE, 9, 0, null, signers.get(2).address(), null), 2);
        DuplicateVoteEvidence e = new DuplicateVoteEvidence(a, b);
        assertThat(e.verify(CHAIN, set, MlDsaSignatures.VERIFIER)).isTrue();
        Vote forged = b.withSignature(signers.get(1).sign(SignBytes.vote(CHAIN, b)));
        assertThat(new DuplicateVoteEvidence(a, forged).verify(CHAIN, set, MlDsaSignatures.VERIFIER)).isFalse();
        assertThatThrownBy(() -> new DuplicateVoteEvidence(a, a)).isInstanceOf(IllegalArgumentException.class);
    }

    static Vote signed(Vote u, int i) {
        return u.withSignature(signers.get(i).sign(SignBytes.vote(CHAIN, u)));
    }
}
