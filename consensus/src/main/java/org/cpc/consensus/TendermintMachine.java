package org.cpc.consensus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Tendermint consensus for one validator: the algorithm of Buchman, Kwon and Milosevic, "The latest gossip on BFT
 * consensus" (2018), Algorithm 1, as a pure state machine. Inputs are method calls (a proposal or vote received,
 * a timeout fired, the application's block or validity verdict, a decision from block sync); each returns the
 * {@link Action}s to perform, in order. There are no threads, no clock, no I/O and no randomness inside, so the same
 * inputs always give the same outputs: a simulation drives it exactly, and a node drives it from one thread.
 *
 * <p>Paper → code: 2f+1 is "more than 2/3 of the voting power" and f+1 "more than 1/3". The upon-rules are
 * evaluated to a fixpoint after every input ({@link #process}): L22 (prevote a fresh proposal), L28 (prevote a
 * re-proposal backed by a polka of its pol_round), L34 (prevote timeout after any +2/3 prevotes), L36 (lock on and
 * precommit a polka for the proposal; remember it as valid value), L44 (precommit nil on a nil polka), L47
 * (precommit timeout after any +2/3 precommits), L49 (decide on +2/3 precommits for a proposed block, in any round),
 * L55 (skip to a higher round seen from +1/3). Timeouts L57–L65 are {@link #onTimeout}. Validity of a block is
 * asked of the application once per block ({@link Action.RequestValidation}) and rules that need it wait for the
 * answer.
 *
 * <p>Messages of the next height are buffered and replayed on entering it; older ones are dropped (the driver
 * answers a lagging peer with a {@link Decision} instead). Signatures are checked here, with the injected
 * {@link SignatureVerifier}; a vote whose content is already counted is not checked again. Not thread-safe.
 */
public final class TendermintMachine<B> {
    /** Bound on buffered next-height messages (they are resent by gossip anyway). */
    static final int MAX_FUTURE_MESSAGES = 10_000;

    private final String chainId;
    private final ValidatorSets validatorSets;
    private final Signer signer;
    private final MessageSigner sign;
    private final SignatureVerifier verifier;
    private final BlockHasher<B> hasher;
    private final TimeoutConfig timeouts;
    private final CommitVerifier commitVerifier;

    private ValidatorSet validators;
    private long height = -1;
    private int round;
    private Step step = Step.NEW_HEIGHT;
    private String lockedHash;
    private int lockedRound = -1;
    private B validValue;
    private String validHash;
    private int validRound = -1;

    private HeightProposals<B> proposals = new HeightProposals<>();
    private HeightVotes votes;
    private final Map<String, Boolean> validity = new HashMap<>();
    private HeightOnce once = new HeightOnce();
    private Decision<B> pendingDecision;
    private final List<ConsensusMessage> future = new ArrayList<>();
    /** Null until this machine decides a height (after a restart the application uses the stored certificate). */
    private LastCommit lastCommit;
    private List<Action<B>> out = new ArrayList<>();

    /**
     * @param signer this validator's key, or null for a non-validator that follows consensus without voting
     */
    public TendermintMachine(String chainId, ValidatorSets validatorSets, Signer signer, SignatureVerifier verifier,
            BlockHasher<B> hasher, TimeoutConfig timeouts) {
        this.chainId = Objects.requireNonNull(chainId);
        this.validatorSets = Objects.requireNonNull(validatorSets);
        this.signer = signer;
        this.sign = signer == null ? null : new MessageSigner(chainId, signer);
        this.verifier = Objects.requireNonNull(verifier);
        this.hasher = Objects.requireNonNull(hasher);
        this.timeouts = Objects.requireNonNull(timeouts);
        this.commitVerifier = new CommitVerifier(chainId, verifier);
    }

    // ---------------------------------------------------------------- inputs

    /** Starts consensus on {@code height} (the committed head + 1), round 0, right away. */
    public List<Action<B>> start(long height) {
        return start(height, 0);
    }

    /**
     * Starts consensus on {@code height}, round 0 after {@code delayMs} (a NEW_HEIGHT timeout), exactly as the
     * machine enters a height after deciding the previous one — so a WAL replay that begins here rebuilds either.
     */
    public List<Action<B>> start(long height, long delayMs) {
        if (height < 0) throw new IllegalArgumentException("height < 0");
        if (delayMs < 0) throw new IllegalArgumentException("delay < 0");
        if (this.height >= 0) throw new IllegalStateException("already started at height " + this.height);
        return input(() -> enterHeight(height, delayMs));
    }

    public List<Action<B>> onProposal(Proposal<B> p) {
        return input(() -> handleProposal(p));
    }

    public List<Action<B>> onVote(Vote v) {
        return input(() -> handleVote(v));
    }

    /** Dispatches any consensus message. */
    public List<Action<B>> onMessage(ConsensusMessage m) {
        return input(() -> handle(m));
    }

    public List<Action<B>> onTimeout(Timeout t) {
        return input(() -> handleTimeout(t));
    }

    /** The application's answer to {@link Action.RequestProposal}. */
    public List<Action<B>> onProposalValue(long h, int r, B block) {
        return input(() -> {
            if (h == height && r == round && step == Step.PROPOSE && !proposals.has(r) && isProposer(r)) {
                String hash = hasher.hashHex(block);
                validity.put(hash, true); // our own block
                broadcastProposal(block, hash, -1);
            }
        });
    }

    /** The application's answer to {@link Action.RequestValidation}. */
    public List<Action<B>> onValidity(long h, String blockHash, boolean valid) {
        return input(() -> {
            if (h == height) validity.put(blockHash, valid);
        });
    }

    /**
     * A decided block from block sync (or a peer answering a lagging node). Accepted for the current height when
     * its certificate proves finality ({@link CommitVerifier}) and the application finds the block valid.
     */
    public List<Action<B>> onDecision(Decision<B> d) {
        return input(() -> handleDecision(d));
    }

    /** One input: its own effect, then the upon-rules to a fixpoint; the actions of both, in order. */
    private List<Action<B>> input(Runnable effect) {
        out = new ArrayList<>();
        effect.run();
        process();
        List<Action<B>> actions = out;
        out = new ArrayList<>();
        return actions;
    }

    /**
     * The messages worth sending again (the driver calls this on a gossip tick): what this node holds for the
     * current height that a peer who lost messages needs to make progress — the proposals of the current,
     * valid and locked rounds, and every vote of those rounds and the previous one. All are signed, so relaying
     * others' messages is safe. Deterministic order.
     */
    public List<ConsensusMessage> gossip() {
        List<ConsensusMessage> msgs = new ArrayList<>();
        if (height < 0 || step == Step.NEW_HEIGHT) return msgs;
        TreeSet<Integer> rounds = new TreeSet<>(List.of(round));
        if (round > 0) rounds.add(round - 1);
        if (validRound >= 0) rounds.add(validRound);
        if (lockedRound >= 0) rounds.add(lockedRound);
        for (int r : rounds) {
            Proposal<B> p = proposals.get(r);
            if (p != null) msgs.add(p);
        }
        for (int r : rounds) msgs.addAll(votes.all(r));
        return msgs;
    }

    // ---------------------------------------------------------------- state (read-only views for drivers and tests)

    public long height() {
        return height;
    }

    public int round() {
        return round;
    }

    public Step step() {
        return step;
    }

    public int lockedRound() {
        return lockedRound;
    }

    public String lockedHash() {
        return lockedHash;
    }

    public int validRound() {
        return validRound;
    }

    public String validHash() {
        return validHash;
    }

    /** Hash of the proposal this node holds for {@code r} at the current height, or null. */
    public String proposalHash(int r) {
        return proposals.hash(r);
    }

    public ValidatorSet validators() {
        return validators;
    }

    public String address() {
        return signer == null ? null : signer.address();
    }

    /** This validator's key, or null for a non-validator: the driver syncs its record before anything is sent. */
    public Signer signer() {
        return signer;
    }

    public String chainId() {
        return chainId;
    }

    public TimeoutConfig timeouts() {
        return timeouts;
    }

    // ---------------------------------------------------------------- message handling

    @SuppressWarnings("unchecked")
    private void handle(ConsensusMessage m) {
        switch (m) {
            case Proposal<?> p -> handleProposal((Proposal<B>) p);
            case Vote v -> handleVote(v);
            case Decision<?> d -> handleDecision((Decision<B>) d);
        }
    }

    private void handleProposal(Proposal<B> p) {
        if (buffered(p)) return;
        if (p.height() != height || proposals.has(p.round())) return; // first proposal per round wins
        if (p.round() > Rounds.MAX) return; // its proposer would cost p.round() selection steps to find
        Validator proposer = validators.proposer(p.round());
        if (proposals.belowKeptFar(proposer.address(), p.round(), round)) return; // its highest far proposal only
        String hash = hasher.hashHex(p.block());
        if (!verifier.verifyProposal(chainId, proposer, height, p.round(), p.polRound(), hash, p.signature())) return;
        proposals.addReceived(p, hash, proposer.address(), round);
    }

    private void handleTimeout(Timeout t) {
        if (t.height() != height) return;
        switch (t.step()) {
            case NEW_HEIGHT -> {
                if (step == Step.NEW_HEIGHT) startRound(0);
            }
            case PROPOSE -> { // L57
                if (t.round() == round && step == Step.PROPOSE) prevote(null);
            }
            case PREVOTE -> { // L61
                if (t.round() == round && step == Step.PREVOTE) precommit(null);
            }
            case PRECOMMIT -> { // L65
                // At the last round the machine stays: no honest height gets there (decades of timeouts).
                if (t.round() == round && step != Step.NEW_HEIGHT && round < Rounds.MAX) startRound(round + 1);
            }
        }
    }

    private void handleVote(Vote v) {
        if (buffered(v)) return;
        if (v.height() != height) {
            if (v.height() == height - 1) addLatePrecommit(v);
            return;
        }
        Validator val = validators.byAddress(v.validatorAddress());
        if (val == null) return;
        if (votes.contains(v)) return; // already counted: no need to check it again
        if (!verifier.verify(val, SignBytes.vote(chainId, v), v.signature())) return;
        // A conflicting vote is counted only for nil or a block proposed at this height (bounded memory).
        boolean acceptConflicting = v.isNil() || proposals.hasBlock(v.blockHash());
        HeightVotes.Added added = votes.add(v, val, round, acceptConflicting);
        if (added.result() == HeightVotes.Result.CONFLICT && once.firstEvidence(v)) {
            out.add(new Action.RecordEvidence<>(new DuplicateVoteEvidence(added.existing(), v)));
        }
    }

    private void handleDecision(Decision<B> d) {
        if (d.height() == height && pendingDecision == null) {
            String hash = hasher.hashHex(d.block());
            if (commitVerifier.isValid(validators, height, hash, d.certificate())) pendingDecision = d;
        }
    }

    /** A precommit of the previous height for the decided block and round, not yet in its certificate. */
    private void addLatePrecommit(Vote v) {
        Validator val = lastCommit == null ? null : lastCommit.lateSigner(v);
        if (val == null || !verifier.verify(val, SignBytes.vote(chainId, v), v.signature())) return;
        lastCommit = lastCommit.with(v);
    }

    /** Whether {@code m} is of the next height: kept for it (up to the bound; gossip sends it again anyway). */
    private boolean buffered(ConsensusMessage m) {
        if (m.height() != height + 1) return false;
        if (future.size() < MAX_FUTURE_MESSAGES) future.add(m);
        return true;
    }

    // ---------------------------------------------------------------- the algorithm

    private void enterHeight(long h, long delayMs) {
        height = h;
        validators = validatorSets.forHeight(h);
        round = 0;
        lockedHash = null;
        lockedRound = -1;
        validValue = null;
        validHash = null;
        validRound = -1;
        proposals = new HeightProposals<>();
        votes = new HeightVotes(validators);
        validity.clear();
        once = new HeightOnce();
        pendingDecision = null;
        if (delayMs > 0) {
            step = Step.NEW_HEIGHT;
            out.add(new Action.ScheduleTimeout<>(new Timeout(Step.NEW_HEIGHT, h, 0), delayMs));
            if (isProposer(0)) out.add(new Action.PrepareProposal<>(h, signer.address(), lastCommit()));
        } else {
            startRound(0);
        }
        List<ConsensusMessage> waiting = new ArrayList<>(future);
        future.clear();
        for (ConsensusMessage m : waiting) if (m.height() == h) handle(m); // proposals and votes: nothing else waits
    }

    /** StartRound (L11). */
    private void startRound(int r) {
        round = r;
        step = Step.PROPOSE;
        if (isProposer(r)) {
            if (validValue != null) {
                broadcastProposal(validValue, validHash, validRound);
            } else if (once.firstProposalRequest(r)) {
                out.add(new Action.RequestProposal<>(height, r, signer.address(), lastCommit()));
            }
        }
        // The paper only schedules this for non-proposers; scheduling it always also covers a slow application.
        out.add(new Action.ScheduleTimeout<>(new Timeout(Step.PROPOSE, height, r), timeouts.propose(r)));
    }

    private boolean isProposer(int r) {
        return signer != null && validators.proposer(r).address().equals(signer.address());
    }

    private void broadcastProposal(B block, String hash, int polRound) {
        Proposal<B> p = sign.proposal(height, round, polRound, block, hash);
        if (p == null) return; // refused by the double-sign guard: send nothing
        proposals.addOwn(p, hash);
        out.add(new Action.BroadcastProposal<>(p));
    }

    private void prevote(String hash) {
        castVote(VoteType.PREVOTE, hash);
        step = Step.PREVOTE;
    }

    private void precommit(String hash) {
        castVote(VoteType.PRECOMMIT, hash);
        step = Step.PRECOMMIT;
    }

    private void castVote(VoteType type, String hash) {
        Validator self = signer == null ? null : validators.byAddress(signer.address());
        if (self == null) return; // not in this height's set: it follows without voting
        // Never sign two votes of one (height, round, type): the algorithm does not ask for it; this guards bugs.
        if (!once.firstVote(round, type)) return;
        Vote v = sign.vote(type, height, round, hash);
        if (v == null) return; // refused by the double-sign guard: as if this vote had been lost in the network
        votes.add(v, self, round, false);
        out.add(new Action.BroadcastVote<>(v));
    }

    /** Applies the upon-rules until none fires. */
    private void process() {
        while (true) {
            if (height < 0) return;
            if (tryDecide()) continue;
            if (step == Step.NEW_HEIGHT) return;
            if (!tryRoundRules()) return;
        }
    }

    /** L49, and a verified decision from block sync. */
    private boolean tryDecide() {
        if (pendingDecision != null) {
            Decision<B> d = pendingDecision;
            Boolean ok = validityOf(hasher.hashHex(d.block()), d.block());
            if (Boolean.TRUE.equals(ok)) {
                decide(d.block(), d.certificate());
                return true;
            }
            if (Boolean.FALSE.equals(ok)) pendingDecision = null; // +2/3 signed an invalid block: ignore it
        }
        for (int r : votes.rounds()) {
            VoteSet precommits = votes.set(r, VoteType.PRECOMMIT);
            String hash = precommits.quorumBlock();
            if (hash == null) continue;
            B block = proposals.block(hash);
            if (block == null) continue; // wait for the proposal (or a Decision)
            if (Boolean.TRUE.equals(validityOf(hash, block))) {
                List<CommitSignature> sigs = new ArrayList<>();
                for (Vote v : precommits.votesFor(hash)) sigs.add(new CommitSignature(v.validatorAddress(), v.signature()));
                decide(block, new CommitCertificate(height, r, hash, sigs));
                return true;
            }
        }
        return false;
    }

    private void decide(B block, CommitCertificate cert) {
        lastCommit = LastCommit.of(cert, validators);
        out.add(new Action.Commit<>(height, block, cert));
        enterHeight(height + 1, timeouts.commit());
    }

    private boolean tryRoundRules() {
        Proposal<B> p = proposals.get(round);
        String ph = proposals.hash(round);
        if (step == Step.PROPOSE && p != null) {
            if (p.polRound() == -1) { // L22
                Boolean ok = validityOf(ph, p.block());
                if (ok != null) {
                    prevote(ok && (lockedRound == -1 || ph.equals(lockedHash)) ? ph : null);
                    return true;
                }
            } else if (validators.isQuorum(votes.power(p.polRound(), VoteType.PREVOTE, ph))) { // L28
                Boolean ok = validityOf(ph, p.block());
                if (ok != null) {
                    prevote(ok && (lockedRound <= p.polRound() || ph.equals(lockedHash)) ? ph : null);
                    return true;
                }
            }
        }
        if (step == Step.PREVOTE && validators.isQuorum(votes.totalPower(round, VoteType.PREVOTE))
                && once.firstPrevoteTimeout(round)) { // L34
            out.add(new Action.ScheduleTimeout<>(new Timeout(Step.PREVOTE, height, round), timeouts.prevote(round)));
            return true;
        }
        if (p != null && step.compareTo(Step.PREVOTE) >= 0 && !once.polkaHandled(round)
                && validators.isQuorum(votes.power(round, VoteType.PREVOTE, ph))
                && Boolean.TRUE.equals(validityOf(ph, p.block()))) { // L36
            once.handlePolka(round);
            if (step == Step.PREVOTE) {
                lockedHash = ph;
                lockedRound = round;
                precommit(ph);
            }
            validValue = p.block();
            validHash = ph;
            validRound = round;
            return true;
        }
        if (step == Step.PREVOTE && validators.isQuorum(votes.power(round, VoteType.PREVOTE, null))) { // L44
            precommit(null);
            return true;
        }
        if (validators.isQuorum(votes.totalPower(round, VoteType.PRECOMMIT))
                && once.firstPrecommitTimeout(round)) { // L47
            out.add(new Action.ScheduleTimeout<>(new Timeout(Step.PRECOMMIT, height, round), timeouts.precommit(round)));
            return true;
        }
        int skip = votes.highestRoundWithOneThird(round); // L55
        if (skip > round && skip <= Rounds.MAX) {
            startRound(skip);
            return true;
        }
        return false;
    }

    /** The verdict on a block, asking the application the first time; null while unknown. */
    private Boolean validityOf(String hash, B block) {
        Boolean v = validity.get(hash);
        if (v == null && once.firstValidationRequest(hash)) out.add(new Action.RequestValidation<>(height, block, hash));
        return v;
    }

    /** The certificate of the previous height with the late precommits seen since (null after a restart). */
    public CommitCertificate lastCommit() {
        return lastCommit == null ? null : lastCommit.certificate();
    }

    /** The last height this machine decided, or -1. */
    public long lastDecidedHeight() {
        return lastCommit == null ? -1 : lastCommit.certificate().height();
    }

    /** This height's proposals (for tests of their bounds). */
    HeightProposals<B> proposals() {
        return proposals;
    }
}
