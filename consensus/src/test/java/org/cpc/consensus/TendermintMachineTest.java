package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.cpc.consensus.sim.SimBlock;
import org.cpc.consensus.sim.SimKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One state machine driven by hand: validator 0 of four equal validators. The proposer of (h, r) is validator
 * (h + r) mod 4. Each test feeds exact messages and checks the exact actions.
 */
class TendermintMachineTest {
    static final String CHAIN = "cpc-test";
    static final List<String> ADDR = List.of("cpcvalcons1v0", "cpcvalcons1v1", "cpcvalcons1v2", "cpcvalcons1v3");
    static final TimeoutConfig T = new TimeoutConfig(300, 100, 200, 50, 200, 50, 40);

    SimKeys keys;
    ValidatorSet set;
    TendermintMachine<SimBlock> m;
    final List<Action<SimBlock>> log = new ArrayList<>();

    @BeforeEach
    void setUp() {
        keys = new SimKeys(99, ADDR);
        List<Validator> vals = new ArrayList<>();
        for (String a : ADDR) vals.add(new Validator(a, "", 1));
        set = new ValidatorSet(vals);
        m = machineFor(0);
    }

    TendermintMachine<SimBlock> machineFor(int i) {
        return new TendermintMachine<>(CHAIN, ValidatorSets.fixed(set), keys.signer(ADDR.get(i)), keys.verifier(),
                SimBlock::hashHex, T);
    }

    static SimBlock block(long h, int round, long value) {
        return new SimBlock(h, "0".repeat(64), ADDR.get((int) ((h + round) % 4)), round, List.of(value));
    }

    Proposal<SimBlock> proposal(long h, int round, int polRound, SimBlock b) {
        int proposer = (int) ((h + round) % 4);
        String sig = keys.signer(ADDR.get(proposer)).sign(SignBytes.proposal(CHAIN, h, round, polRound, b.hashHex()));
        return new Proposal<>(h, round, polRound, b, sig);
    }

    Vote vote(int validator, VoteType type, long h, int round, SimBlock b) {
        Vote u = new Vote(type, h, round, b == null ? null : b.hashHex(), ADDR.get(validator), null);
        return u.withSignature(keys.signer(ADDR.get(validator)).sign(SignBytes.vote(CHAIN, u)));
    }

    /** Feeds an input and answers validation requests with "valid" unless the block has a negative value. */
    List<Action<SimBlock>> feed(List<Action<SimBlock>> actions) {
        List<Action<SimBlock>> all = new ArrayList<>();
        for (Action<SimBlock> a : actions) {
            all.add(a);
            if (a instanceof Action.RequestValidation<SimBlock> r) {
                all.addAll(feed(m.onValidity(r.height(), r.blockHash(), r.block().values().stream().allMatch(v -> v >= 0))));
            }
        }
        log.addAll(all);
        return all;
    }

    static List<Vote> votesOf(List<Action<SimBlock>> actions) {
        List<Vote> v = new ArrayList<>();
        for (Action<SimBlock> a : actions) if (a instanceof Action.BroadcastVote<SimBlock> b) v.add(b.vote());
        return v;
    }

    /**
     * A proposal names its round, and the proposer of round r is found by r steps of proposer selection: any peer could
     * send a proposal for round 2^31 − 2 (unsigned: the proposer is needed before its signature can be checked) and
     * make the machine allocate and step through two billion rounds. A round beyond {@link Rounds#MAX} is refused.
     */
    @Test
    void aProposalForAnAbsurdRoundCostsNothing() {
        m.start(1);
        SimBlock b = block(1, 0, 5);
        assertThat(m.onProposal(new Proposal<>(1, Integer.MAX_VALUE - 1, -1, b, "00"))).isEmpty();
        assertThat(m.onProposal(new Proposal<>(1, Rounds.MAX + 1, -1, b, "00"))).isEmpty();
        assertThat(set.proposer(Rounds.MAX)).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> set.proposer(Rounds.MAX + 1))
                .hasMessageContaining("beyond the largest round");
    }

    @Test
    void proposerAsksForABlockProposesItAndPrevotesIt() {
        TendermintMachine<SimBlock> p = machineFor(1); // proposer of (1, 0)
        List<Action<SimBlock>> a = p.start(1);
        assertThat(a).contains(new Action.RequestProposal<>(1, 0, ADDR.get(1), null));
        SimBlock b = block(1, 0, 5);
        List<Action<SimBlock>> b2 = p.onProposalValue(1, 0, b);
        assertThat(b2.getFirst()).isInstanceOf(Action.BroadcastProposal.class);
        assertThat(votesOf(b2)).singleElement().satisfies(v -> {
            assertThat(v.type()).isEqualTo(VoteType.PREVOTE);
            assertThat(v.blockHash()).isEqualTo(b.hashHex());
        });
    }

    @Test
    void silentProposerTimeoutPrevotesNil() {
        List<Action<SimBlock>> a = feed(m.start(1));
        assertThat(a).contains(new Action.ScheduleTimeout<>(new Timeout(Step.PROPOSE, 1, 0), 300));
        List<Vote> v = votesOf(feed(m.onTimeout(new Timeout(Step.PROPOSE, 1, 0))));
        assertThat(v).singleElement().satisfies(x -> assertThat(x.isNil()).isTrue());
        assertThat(m.step()).isEqualTo(Step.PREVOTE);
    }

    @Test
    void invalidProposalGetsANilPrevote() {
        feed(m.start(1));
        List<Vote> v = votesOf(feed(m.onProposal(proposal(1, 0, -1, block(1, 0, -3)))));
        assertThat(v).singleElement().satisfies(x -> assertThat(x.isNil()).isTrue());
    }

    @Test
    void polkaLocksThenANewerPolkaUnlocks() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        feed(m.onProposal(proposal(1, 0, -1, a)));
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 0, a)));
        List<Vote> v = votesOf(feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 0, a))));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.type()).isEqualTo(VoteType.PRECOMMIT);
            assertThat(x.blockHash()).isEqualTo(a.hashHex());
        });
        assertThat(m.lockedRound()).isZero();
        assertThat(m.lockedHash()).isEqualTo(a.hashHex());

        // Nobody else precommits a: +2/3 precommits of any kind, the precommit timeout, round 1.
        feed(m.onVote(vote(1, VoteType.PRECOMMIT, 1, 0, null)));
        List<Action<SimBlock>> t = feed(m.onVote(vote(2, VoteType.PRECOMMIT, 1, 0, null)));
        assertThat(t).contains(new Action.ScheduleTimeout<>(new Timeout(Step.PRECOMMIT, 1, 0), 200));
        feed(m.onTimeout(new Timeout(Step.PRECOMMIT, 1, 0)));
        assertThat(m.round()).isEqualTo(1);

        // Round 1 proposes b: locked on a, we prevote nil (L22).
        SimBlock b = block(1, 1, 2);
        assertThat(votesOf(feed(m.onProposal(proposal(1, 1, -1, b))))).singleElement()
                .satisfies(x -> assertThat(x.isNil()).isTrue());
        // A polka for b in round 1 (validators 1, 2, 3): lock moves to b (L36) and we precommit b.
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 1, b)));
        feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 1, b)));
        List<Vote> v2 = votesOf(feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 1, b))));
        assertThat(v2).singleElement().satisfies(x -> assertThat(x.blockHash()).isEqualTo(b.hashHex()));
        assertThat(m.lockedRound()).isEqualTo(1);
        assertThat(m.lockedHash()).isEqualTo(b.hashHex());
        assertThat(m.validRound()).isEqualTo(1);
    }

    @Test
    void reproposalWithAPolkaAfterTheLockUnlocks() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        feed(m.onProposal(proposal(1, 0, -1, a)));
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 0, a)));
        feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 0, a)));
        assertThat(m.lockedRound()).isZero();
        feed(m.onVote(vote(1, VoteType.PRECOMMIT, 1, 0, null)));
        feed(m.onVote(vote(2, VoteType.PRECOMMIT, 1, 0, null)));
        feed(m.onTimeout(new Timeout(Step.PRECOMMIT, 1, 0)));
        // Round 1: we miss its proposal and prevote nil; the others precommit nil; precommit timeout; round 2.
        feed(m.onTimeout(new Timeout(Step.PROPOSE, 1, 1)));
        for (int i = 1; i <= 3; i++) feed(m.onVote(vote(i, VoteType.PRECOMMIT, 1, 1, null)));
        feed(m.onTimeout(new Timeout(Step.PRECOMMIT, 1, 1)));
        assertThat(m.round()).isEqualTo(2);
        // Round 2's proposer re-proposes b with pol_round 1; the round-1 prevotes for b arrive: L28, lockedRound 0 <= 1.
        SimBlock b = block(1, 1, 2);
        assertThat(votesOf(feed(m.onProposal(proposal(1, 2, 1, b))))).isEmpty(); // no polka seen yet
        for (int i = 1; i <= 2; i++) assertThat(votesOf(feed(m.onVote(vote(i, VoteType.PREVOTE, 1, 1, b))))).isEmpty();
        List<Vote> v = votesOf(feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 1, b))));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.round()).isEqualTo(2);
            assertThat(x.type()).isEqualTo(VoteType.PREVOTE);
            assertThat(x.blockHash()).isEqualTo(b.hashHex());
        });
    }

    @Test
    void lockedValidatorRejectsAReproposalWhosePolkaIsOlderThanItsLock() {
        feed(m.start(1));
        // Locked on a in round 1 (after an empty round 0).
        feed(m.onTimeout(new Timeout(Step.PROPOSE, 1, 0)));
        for (int i = 1; i <= 3; i++) feed(m.onVote(vote(i, VoteType.PRECOMMIT, 1, 0, null)));
        feed(m.onTimeout(new Timeout(Step.PRECOMMIT, 1, 0)));
        SimBlock a = block(1, 1, 1);
        feed(m.onProposal(proposal(1, 1, -1, a)));
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 1, a)));
        feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 1, a)));
        assertThat(m.lockedRound()).isEqualTo(1);
        for (int i = 1; i <= 3; i++) feed(m.onVote(vote(i, VoteType.PRECOMMIT, 1, 1, null)));
        feed(m.onTimeout(new Timeout(Step.PRECOMMIT, 1, 1)));
        // Round 2 re-proposes c with a polka from round 0 (older than our lock): prevote nil.
        SimBlock c = block(1, 0, 9);
        for (int i = 1; i <= 3; i++) feed(m.onVote(vote(i, VoteType.PREVOTE, 1, 0, c)));
        List<Vote> v = votesOf(feed(m.onProposal(proposal(1, 2, 0, c))));
        assertThat(v).singleElement().satisfies(x -> assertThat(x.isNil()).isTrue());
    }

    @Test
    void votesFromMoreThanOneThirdInAHigherRoundSkipToIt() {
        feed(m.start(1));
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 5, null)));
        assertThat(m.round()).as("1 of 4 is not more than 1/3").isZero();
        List<Action<SimBlock>> a = feed(m.onVote(vote(2, VoteType.PRECOMMIT, 1, 5, null)));
        assertThat(m.round()).isEqualTo(5);
        assertThat(a).contains(new Action.ScheduleTimeout<>(new Timeout(Step.PROPOSE, 1, 5), 300 + 5 * 100));
    }

    @Test
    void conflictingVotesAreEvidenceAndCountOncePerValidator() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 0, a)));
        List<Action<SimBlock>> out = feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 0, null)));
        List<DuplicateVoteEvidence> ev = new ArrayList<>();
        for (Action<SimBlock> x : out) if (x instanceof Action.RecordEvidence<SimBlock> r) ev.add(r.evidence());
        assertThat(ev).singleElement().satisfies(e -> {
            assertThat(e.validatorAddress()).isEqualTo(ADDR.get(3));
            assertThat(e.verify(CHAIN, set, keys.verifier())).isTrue();
        });
        // The same conflict again is not recorded twice.
        assertThat(feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 0, null)))).noneMatch(x -> x instanceof Action.RecordEvidence);
    }

    @Test
    void forgedVotesAreIgnored() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        feed(m.onProposal(proposal(1, 0, -1, a)));
        // Validator 3 signs votes claiming to be 1 and 2: they must not count toward a polka.
        for (int i = 1; i <= 2; i++) {
            Vote u = new Vote(VoteType.PREVOTE, 1, 0, a.hashHex(), ADDR.get(i), null);
            feed(m.onVote(u.withSignature(keys.signer(ADDR.get(3)).sign(SignBytes.vote(CHAIN, u)))));
        }
        assertThat(m.step()).isEqualTo(Step.PREVOTE);
        assertThat(m.lockedRound()).isEqualTo(-1);
        // A vote signed for another chain does not count either.
        Vote other = new Vote(VoteType.PREVOTE, 1, 0, a.hashHex(), ADDR.get(1), null);
        feed(m.onVote(other.withSignature(keys.signer(ADDR.get(1)).sign(SignBytes.vote("other-chain", other)))));
        feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 0, a)));
        assertThat(m.lockedRound()).as("only validator 2's real vote counts besides ours").isEqualTo(-1);
        // A proposal signed by someone other than the scheduled proposer is ignored.
        TendermintMachine<SimBlock> fresh = machineFor(0);
        fresh.start(1);
        SimBlock b = block(1, 0, 2);
        String sig = keys.signer(ADDR.get(2)).sign(SignBytes.proposal(CHAIN, 1, 0, -1, b.hashHex()));
        assertThat(votesOf(fresh.onProposal(new Proposal<>(1, 0, -1, b, sig)))).isEmpty();
    }

    @Test
    void precommitQuorumCommitsWithAVerifiableCertificateAndMovesOn() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        feed(m.onProposal(proposal(1, 0, -1, a)));
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 0, a)));
        feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 0, a))); // we precommit a
        feed(m.onVote(vote(3, VoteType.PRECOMMIT, 1, 0, a)));
        List<Action<SimBlock>> out = feed(m.onVote(vote(1, VoteType.PRECOMMIT, 1, 0, a)));
        Action.Commit<SimBlock> c = out.stream().filter(x -> x instanceof Action.Commit).map(x -> (Action.Commit<SimBlock>) x)
                .findFirst().orElseThrow();
        assertThat(c.height()).isEqualTo(1);
        assertThat(c.block()).isEqualTo(a);
        assertThat(c.certificate().round()).isZero();
        assertThat(c.certificate().signatures()).extracting(CommitSignature::validatorAddress)
                .containsExactly(ADDR.get(0), ADDR.get(1), ADDR.get(3));
        assertThat(new CommitVerifier(CHAIN, keys.verifier()).isValid(set, 1, a.hashHex(), c.certificate())).isTrue();
        assertThat(m.height()).isEqualTo(2);
        assertThat(m.step()).isEqualTo(Step.NEW_HEIGHT);
        assertThat(out).contains(new Action.ScheduleTimeout<>(new Timeout(Step.NEW_HEIGHT, 2, 0), 40));
    }

    @Test
    void nextHeightMessagesAreBufferedAndReplayed() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        SimBlock next = new SimBlock(2, a.hashHex(), ADDR.get(2), 0, List.of(3L));
        feed(m.onProposal(proposal(2, 0, -1, next))); // early: height 2's proposal
        feed(m.onProposal(proposal(1, 0, -1, a)));
        for (int i = 1; i <= 3; i++) feed(m.onVote(vote(i, VoteType.PRECOMMIT, 1, 0, a)));
        assertThat(m.height()).isEqualTo(2);
        List<Vote> v = votesOf(feed(m.onTimeout(new Timeout(Step.NEW_HEIGHT, 2, 0))));
        assertThat(v).singleElement().satisfies(x -> assertThat(x.blockHash()).isEqualTo(next.hashHex()));
    }

    @Test
    void blockSyncDecisionNeedsAValidCertificate() {
        feed(m.start(1));
        SimBlock a = block(1, 0, 1);
        List<CommitSignature> two = new ArrayList<>();
        for (int i = 1; i <= 2; i++) two.add(new CommitSignature(ADDR.get(i), vote(i, VoteType.PRECOMMIT, 1, 0, a).signature()));
        feed(m.onDecision(new Decision<>(1, a, new CommitCertificate(1, 0, a.hashHex(), two))));
        assertThat(m.height()).as("2 of 4 is not a commit").isEqualTo(1);
        List<CommitSignature> three = new ArrayList<>(two);
        three.add(new CommitSignature(ADDR.get(3), vote(3, VoteType.PRECOMMIT, 1, 0, a).signature()));
        List<Action<SimBlock>> out = feed(m.onDecision(new Decision<>(1, a, new CommitCertificate(1, 0, a.hashHex(), three))));
        assertThat(out).anyMatch(x -> x instanceof Action.Commit<SimBlock> c && c.block().equals(a));
        assertThat(m.height()).isEqualTo(2);
    }

    /** Precommits for the decided block that arrive after the decision join the next block's last_commit, in set order. */
    @Test
    void latePrecommitsJoinTheLastCommitInSetOrder() {
        SimBlock a = block(1, 0, 1);
        feed(m.start(1));
        feed(m.onProposal(proposal(1, 0, -1, a)));
        feed(m.onVote(vote(2, VoteType.PREVOTE, 1, 0, a)));
        feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 0, a)));
        feed(m.onVote(vote(3, VoteType.PRECOMMIT, 1, 0, a)));
        feed(m.onVote(vote(2, VoteType.PRECOMMIT, 1, 0, a)));
        assertThat(m.height()).isEqualTo(2);
        assertThat(signers(m.lastCommit())).containsExactly(ADDR.get(0), ADDR.get(2), ADDR.get(3));

        Vote late = vote(1, VoteType.PRECOMMIT, 1, 0, a);
        Vote forged = late.withSignature(keys.signer(ADDR.get(2)).sign(SignBytes.vote(CHAIN, late)));
        assertThat(m.onVote(forged)).isEmpty();
        assertThat(m.onVote(vote(1, VoteType.PRECOMMIT, 1, 1, a))).isEmpty(); // another round
        assertThat(m.onVote(vote(1, VoteType.PREVOTE, 1, 0, a))).isEmpty();
        assertThat(signers(m.lastCommit())).hasSize(3);
        assertThat(m.onVote(late)).isEmpty();
        assertThat(m.onVote(late)).isEmpty();
        assertThat(signers(m.lastCommit())).containsExactlyElementsOf(ADDR);
        assertThat(m.lastCommit().signatures().get(1).signature()).isEqualTo(late.signature());
        assertThat(m.lastDecidedHeight()).isEqualTo(1);
    }

    /** A key that refuses to sign (the double-sign guard after a restart) makes the machine send nothing and go on. */
    @Test
    void aRefusedSignatureSendsNothing() {
        Signer refusing = Signer.of(ADDR.get(1), msg -> {
            throw new SignRefusedException("signed another message of this step before a restart");
        });
        TendermintMachine<SimBlock> p = new TendermintMachine<>(CHAIN, ValidatorSets.fixed(set), refusing, keys.verifier(),
                SimBlock::hashHex, T); // proposer of (1, 0)
        assertThat(p.start(1)).contains(new Action.RequestProposal<>(1, 0, ADDR.get(1), null));
        assertThat(p.onProposalValue(1, 0, block(1, 0, 5))).isEmpty();
        assertThat(p.proposalHash(0)).isNull();
        assertThat(p.onTimeout(new Timeout(Step.PROPOSE, 1, 0))).isEmpty();
        assertThat(p.step()).isEqualTo(Step.PREVOTE);
        assertThat(p.onTimeout(new Timeout(Step.PREVOTE, 1, 0))).isEmpty();
        assertThat(p.step()).isEqualTo(Step.PRECOMMIT);
    }

    static List<String> signers(CommitCertificate c) {
        return c.signatures().stream().map(CommitSignature::validatorAddress).toList();
    }

    @Test
    void farFutureProposalsAreBoundedToOnePerProposer() {
        feed(m.start(1));
        // Validator 2 proposes rounds 1, 5, 9, 13, ... of height 1; beyond round 1 only its highest one is kept.
        for (int r = 5; r <= 401; r += 4) feed(m.onProposal(proposal(1, r, -1, block(1, r, r))));
        assertThat(m.proposals().size()).isEqualTo(1);
        assertThat(m.proposals().blocks()).as("a replaced far proposal's block goes with it").isEqualTo(1);
        feed(m.onProposal(proposal(1, 397, -1, block(1, 397, 397)))); // lower than the one it keeps: dropped
        assertThat(m.proposalHash(397)).isNull();
        assertThat(m.proposalHash(401)).isEqualTo(block(1, 401, 401).hashHex());
        feed(m.onProposal(proposal(1, 1, -1, block(1, 1, 1)))); // round 1 is near: kept as well
        assertThat(m.proposals().size()).isEqualTo(2);
        // A far proposal whose block a kept round also proposes: replacing it keeps the block.
        feed(m.onProposal(proposal(1, 405, -1, block(1, 1, 1))));
        feed(m.onProposal(proposal(1, 409, -1, block(1, 409, 409))));
        assertThat(m.proposals().blocks()).isEqualTo(2);
        assertThat(m.proposalHash(1)).isEqualTo(block(1, 1, 1).hashHex());
        feed(m.onProposal(proposal(1, 401, -1, block(1, 401, 401)))); // lower than the kept 409: dropped
        assertThat(m.proposalHash(409)).isEqualTo(block(1, 409, 409).hashHex());
        // Skipping to round 409 (votes from more than 1/3 there) finds its proposal and prevotes it.
        feed(m.onVote(vote(1, VoteType.PREVOTE, 1, 409, null)));
        List<Vote> v = votesOf(feed(m.onVote(vote(3, VoteType.PREVOTE, 1, 409, null))));
        assertThat(m.round()).isEqualTo(409);
        assertThat(v).singleElement().satisfies(x -> assertThat(x.blockHash()).isEqualTo(block(1, 409, 409).hashHex()));
    }

    @Test
    void sameInputsSameOutputs() {
        TendermintMachine<SimBlock> x = machineFor(0);
        TendermintMachine<SimBlock> y = machineFor(0);
        SimBlock a = block(1, 0, 1);
        List<List<Action<SimBlock>>> ox = new ArrayList<>();
        List<List<Action<SimBlock>>> oy = new ArrayList<>();
        for (TendermintMachine<SimBlock> mm : List.of(x, y)) {
            List<List<Action<SimBlock>>> o = mm == x ? ox : oy;
            o.add(mm.start(1));
            o.add(mm.onProposal(proposal(1, 0, -1, a)));
            o.add(mm.onValidity(1, a.hashHex(), true));
            o.add(mm.onVote(vote(2, VoteType.PREVOTE, 1, 0, a)));
            o.add(mm.onVote(vote(3, VoteType.PREVOTE, 1, 0, null)));
            o.add(mm.onTimeout(new Timeout(Step.PREVOTE, 1, 0)));
        }
        assertThat(ox).isEqualTo(oy);
    }
}
