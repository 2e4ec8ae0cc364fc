package org.cpc.consensus.sim;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.ConsensusDriver;
import org.cpc.consensus.ConsensusMessage;
import org.cpc.consensus.Decision;
import org.cpc.consensus.DuplicateVoteEvidence;
import org.cpc.consensus.InvalidCommitException;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Proposal;
import org.cpc.consensus.SignBytes;
import org.cpc.consensus.SignatureVerifier;
import org.cpc.consensus.Signer;
import org.cpc.consensus.TendermintMachine;
import org.cpc.consensus.Timeout;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.consensus.Vote;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.crypto.Sha256;

/**
 * Deterministic simulation of N validators in one thread: a virtual clock, an event queue ordered by (time,
 * sequence number), and a network that delays, loses, duplicates and reorders messages and partitions nodes, all
 * drawn from one {@link SplittableRandom} seeded by the config. The same config gives the same run, event for
 * event. Byzantine nodes run the honest state machine and corrupt what it sends ({@link SimConfig.Behaviour}),
 * signing with their own keys only.
 *
 * <p>Checks: at every commit of an honest node (the only step that can break it), safety — no two different blocks
 * committed at one height by any honest nodes — and that the commit certificate verifies against the validator set;
 * at the end, liveness — every honest node reaches the target height within {@code maxTimeAfterHeal} of the last
 * partition healing.
 */
public final class Simulation {
    public static final String CHAIN_ID = "cpc-sim";

    /** Thrown with everything needed to reproduce. */
    public static final class Failure extends AssertionError {
        public Failure(SimConfig config, String what, List<String> trace) {
            super(what + "\n  reproduce: ./mvnw -pl consensus -am test -Dsurefire.failIfNoSpecifiedTests=false"
                    + " -Dtest=SimulationSeedsTest#rerunSeed -Dcpc.sim.seed=" + config.seed() + " -Dcpc.sim.heights="
                    + config.targetHeight() + "\n  " + config + "\n  last events:\n    " + String.join("\n    ", trace));
        }
    }

    public record Result(long virtualTimeMs, long events, long delivered, long dropped, List<Long> heights,
            List<Integer> commitRounds, int evidence, int maxRound) {}

    private record Event(long time, long seq, int kind, int node, int from, Object payload) {}

    private static final int DELIVER = 0, TIMEOUT = 1, GOSSIP = 2, SYNC_REQUEST = 3;
    private static final int TRACE = 60;
    private static final long MAX_EVENTS = 3_000_000;

    private final SimConfig config;
    private final SplittableRandom rnd;
    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final List<Node> nodes = new ArrayList<>();
    /** The validators in node order with their base powers; the set of a height is derived from them. */
    private final List<Validator> everyone;
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    /** Each node's power at a height (0: not in that height's set); the base powers unless a test changes them. */
    private final java.util.function.LongFunction<long[]> powersAt;
    /** The set of every height asked so far, each carried from the one before ({@link ValidatorSet#next}). */
    private final TreeMap<Long, ValidatorSet> sets = new TreeMap<>();
    private final CommitVerifier commitVerifier;
    private final Map<Long, String> decided = new HashMap<>();
    private final Map<Long, Integer> decidedBy = new HashMap<>();
    private final ArrayDeque<Event> trace = new ArrayDeque<>();
    /** Every event handled and every commit, in order: two runs with equal digests behaved the same, event for event. */
    private final MessageDigest runDigest = Sha256.newDigest();
    private final List<Integer> commitRounds = new ArrayList<>();
    private long now;
    private long seq;
    private long events;
    private long delivered;
    private long dropped;
    private int maxRound;
    /** Evidence recorded by honest nodes. */
    private final List<DuplicateVoteEvidence> evidence = new ArrayList<>();
    private final SignatureVerifier verifier;
    /** What split-brain proposers sent to whom: "height/round/node" → block hash (the adversary's shared memory). */
    private final Map<String, String> splitProposals = new HashMap<>();
    private boolean started;
    /** Nemesis isolations: {node, start, end}. */
    private final List<long[]> isolations = new ArrayList<>();
    private long lastIsolationEnd;

    private final class Node {
        final int index;
        final String address;
        final Signer signer;
        final SimApplication app;
        final TendermintMachine<SimBlock> machine;
        final ConsensusDriver<SimBlock> driver;
        final EnumSet<SimConfig.Behaviour> byz;

        Node(int index, String address, Signer signer) {
            this.index = index;
            this.address = address;
            this.signer = signer;
            this.byz = config.byzantine().getOrDefault(index, EnumSet.noneOf(SimConfig.Behaviour.class));
            this.app = new SimApplication(d -> onCommit(this, d));
            this.machine = new TendermintMachine<>(CHAIN_ID, Simulation.this::setAt, signer, verifier,
                    SimBlock::hashHex, config.timeouts());
            this.driver = new ConsensusDriver<>(machine, app, new ConsensusDriver.Transport() {
                @Override
                public void broadcast(ConsensusMessage m) {
                    for (int to = 0; to < config.n(); to++) if (to != index) Simulation.this.send(Node.this, to, m);
                }

                @Override
                public void send(String peer, ConsensusMessage m) {
                    Simulation.this.send(Node.this, nodeIndex.get(peer), m);
                }

                @Override
                public void requestDecision(String peer, long height) {
                    int to = nodeIndex.get(peer);
                    if (!byz.contains(SimConfig.Behaviour.WITHHOLD)) transmit(index, to, SYNC_REQUEST, height);
                }
            }, new ConsensusDriver.Timers() {
                @Override
                public long nowMs() {
                    return now;
                }

                @Override
                public void schedule(Timeout t, long delayMs) {
                    enqueue(now + delayMs, TIMEOUT, index, index, t);
                }
            }, e -> {
                if (!config.isByzantine(nodeIndex.get(e.validatorAddress()))) {
                    fail("honest validator " + e.validatorAddress() + " accused of equivocation by node " + index);
                }
                if (!config.isByzantine(index)) evidence.add(e);
            });
        }

        boolean honest() {
            return byz.isEmpty();
        }
    }

    public Simulation(SimConfig config) {
        this(config, h -> config.powers().stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * A run whose validator set changes: {@code powersAt(h)} gives each node's power at height h (0 = not a member),
     * and must keep the Byzantine nodes below 1/3 of every height's power. Nodes outside a height's set follow it.
     */
    public Simulation(SimConfig config, java.util.function.LongFunction<long[]> powersAt) {
        this.config = config;
        this.powersAt = powersAt;
        this.rnd = new SplittableRandom(config.seed());
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < config.n(); i++) addresses.add("cpcvalcons1sim" + i);
        List<Validator> vals = new ArrayList<>();
        List<Signer> signers = new ArrayList<>();
        if (config.realCrypto()) {
            for (int i = 0; i < config.n(); i++) {
                KeyPair kp = MlDsa.generateKeyPair();
                vals.add(new Validator(addresses.get(i), Hex.encode(MlDsa.rawPublicKey(kp.getPublic())),
                        config.powers().get(i)));
                signers.add(MlDsaSignatures.signer(addresses.get(i), kp.getPrivate()));
            }
            verifier = MlDsaSignatures.VERIFIER;
        } else {
            SimKeys keys = new SimKeys(config.seed(), addresses);
            for (int i = 0; i < config.n(); i++) {
                vals.add(new Validator(addresses.get(i), "", config.powers().get(i)));
                signers.add(keys.signer(addresses.get(i)));
            }
            verifier = keys.verifier();
        }
        everyone = List.copyOf(vals);
        for (int i = 0; i < vals.size(); i++) nodeIndex.put(vals.get(i).address(), i);
        commitVerifier = new CommitVerifier(CHAIN_ID, verifier);
        for (int i = 0; i < config.n(); i++) nodes.add(new Node(i, addresses.get(i), signers.get(i)));
    }

    /** The set of height 0 (the base of every later one). */
    public ValidatorSet validatorSet() {
        return setAt(0);
    }

    /** The validator set of {@code height}, with its proposer priorities. */
    public ValidatorSet setAt(long height) {
        long h = Math.max(0, height);
        if (sets.isEmpty()) sets.put(0L, new ValidatorSet(members(0)));
        for (long k = sets.lastKey() + 1; k <= h; k++) sets.put(k, sets.get(k - 1).next(members(k)));
        return sets.get(h);
    }

    private List<Validator> members(long height) {
        long[] p = powersAt.apply(height);
        List<Validator> out = new ArrayList<>();
        for (int i = 0; i < everyone.size(); i++) {
            if (p[i] <= 0) continue;
            Validator v = everyone.get(i);
            out.add(new Validator(v.address(), v.publicKey(), p[i]));
        }
        return out;
    }

    public List<DuplicateVoteEvidence> evidence() {
        return evidence;
    }

    public TendermintMachine<SimBlock> machine(int i) {
        return nodes.get(i).machine;
    }

    public SimApplication app(int i) {
        return nodes.get(i).app;
    }

    public long now() {
        return now;
    }

    /** Runs until every honest node has committed the target height; fails on a safety or liveness violation. */
    public Result run() {
        startOnce();
        while (!allReached(config.targetHeight())) {
            if (!step()) fail("event queue ran dry");
            long deadline = Math.max(config.healTime(), lastIsolationEnd) + config.maxTimeAfterHeal();
            if (now > deadline) {
                fail("liveness: honest nodes did not reach height " + config.targetHeight() + " by t=" + deadline
                        + "ms (heal at " + Math.max(config.healTime(), lastIsolationEnd) + "ms); heights " + heights());
            }
            if (events > MAX_EVENTS) fail("too many events; heights " + heights());
        }
        return result();
    }

    /** Runs until virtual time {@code until} (for scenario tests that look at the middle of a run). */
    public void runUntil(long until) {
        startOnce();
        while (!queue.isEmpty() && queue.peek().time <= until) step();
        now = Math.max(now, until);
    }

    private void startOnce() {
        if (started) return;
        started = true;
        for (Node n : nodes) {
            n.driver.start(1);
            enqueue(rnd.nextLong(config.gossipIntervalMs()), GOSSIP, n.index, n.index, null);
        }
    }

    public Result result() {
        return new Result(now, events, delivered, dropped, heights(), List.copyOf(commitRounds), evidence.size(),
                maxRound);
    }

    /**
     * SHA-256 of everything that happened so far: each event handled (time, sequence number, kind, nodes, the
     * message or timeout in full) and each commit, in order. Since every message sent, timeout scheduled and block
     * committed becomes part of it, two runs of one config with the same digest had the machines act identically.
     * Only meaningful with the simulation's keys: ML-DSA signatures ({@link SimConfig#realCrypto}) are randomized.
     */
    public String digest() {
        try {
            return Hex.encode(((MessageDigest) runDigest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    private void digestLine(String line) {
        runDigest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public List<Long> heights() {
        List<Long> hs = new ArrayList<>();
        for (Node n : nodes) hs.add(n.app.headHeight());
        return hs;
    }

    private boolean allReached(long h) {
        for (Node n : nodes) if (n.honest() && n.app.headHeight() < h) return false;
        return true;
    }

    private boolean step() {
        Event e = queue.poll();
        if (e == null) return false;
        now = e.time;
        events++;
        // Messages, timeouts and commits are records: their text is their whole content, signatures included.
        digestLine(e.time + " " + e.seq + " " + e.kind + " " + e.from + "->" + e.node + " " + e.payload);
        trace.addLast(e);
        if (trace.size() > TRACE) trace.removeFirst();
        Node node = nodes.get(e.node);
        switch (e.kind) {
            case DELIVER -> {
                if (partitioned(e.from, e.node)) {
                    dropped++;
                } else {
                    delivered++;
                    node.driver.onMessage(nodes.get(e.from).address, (ConsensusMessage) e.payload);
                }
            }
            case SYNC_REQUEST -> {
                if (!partitioned(e.from, e.node) && !node.byz.contains(SimConfig.Behaviour.WITHHOLD)) {
                    node.driver.onDecisionRequest(nodes.get(e.from).address, (Long) e.payload);
                }
            }
            case TIMEOUT -> node.driver.onTimeout((Timeout) e.payload);
            case GOSSIP -> {
                node.driver.gossipTick();
                long h = node.machine.height();
                if (h >= 1 && setAt(h).byAddress(node.address) == null && config.n() > 1) {
                    // Outside this height's set the node sends nothing that would make a peer serve it the decision:
                    // ask one, as the node's block sync does.
                    int to = (node.index + 1 + rnd.nextInt(config.n() - 1)) % config.n();
                    transmit(node.index, to, SYNC_REQUEST, h);
                }
                enqueue(now + config.gossipIntervalMs(), GOSSIP, node.index, node.index, null);
            }
            default -> throw new IllegalStateException();
        }
        maxRound = Math.max(maxRound, node.machine.round());
        return true;
    }

    private boolean partitioned(int a, int b) {
        for (SimConfig.Partition p : config.partitions()) if (p.separates(a, b, now)) return true;
        for (long[] iso : isolations) if ((iso[0] == a || iso[0] == b) && now >= iso[1] && now < iso[2]) return true;
        return false;
    }

    private void onCommit(Node node, Decision<SimBlock> d) {
        digestLine("commit @" + node.index + " " + d);
        if (!node.honest()) return;
        String hash = d.block().hashHex();
        String prior = decided.putIfAbsent(d.height(), hash);
        if (prior != null && !prior.equals(hash)) {
            fail("SAFETY: height " + d.height() + " committed as " + prior + " by node " + decidedBy.get(d.height())
                    + " and as " + hash + " by node " + node.index);
        }
        if (prior == null) {
            decidedBy.put(d.height(), node.index);
            commitRounds.add(d.certificate().round());
            if (config.isolateOnCommit() > 0 && rnd.nextDouble() < config.isolateOnCommit()) {
                long end = now + 500 + rnd.nextLong(2500);
                isolations.add(new long[] {node.index, now, end});
                lastIsolationEnd = Math.max(lastIsolationEnd, end);
            }
        }
        try {
            commitVerifier.verify(setAt(d.height()), d.height(), hash, d.certificate());
        } catch (InvalidCommitException e) {
            fail("node " + node.index + " committed height " + d.height() + " with a bad certificate: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- network

    private void send(Node from, int to, ConsensusMessage m) {
        if (from.byz.contains(SimConfig.Behaviour.WITHHOLD)) return;
        if (from.byz.contains(SimConfig.Behaviour.WITHHOLD_SOME) && rnd.nextInt(2) == 0) return;
        transmit(from.index, to, DELIVER, from.byz.isEmpty() ? m : corrupt(from, to, m));
    }

    private void transmit(int from, int to, int kind, Object payload) {
        if (config.loss() > 0 && rnd.nextDouble() < config.loss()) {
            dropped++;
            return;
        }
        boolean slowable = payload instanceof Vote || payload instanceof Decision<?> || kind == SYNC_REQUEST;
        long extra = slowable && config.slowVotes() > 0 && rnd.nextDouble() < config.slowVotes()
                ? rnd.nextLong(1500) : 0;
        enqueue(now + delay() + extra, kind, to, from, payload);
        if (config.duplication() > 0 && rnd.nextDouble() < config.duplication()) {
            enqueue(now + delay(), kind, to, from, payload);
        }
    }

    private long delay() {
        long d = config.minDelayMs() + rnd.nextLong(config.maxDelayMs() - config.minDelayMs() + 1);
        if (config.longDelay() > 0 && rnd.nextDouble() < config.longDelay()) d += rnd.nextLong(5 * config.maxDelayMs() + 1);
        return d;
    }

    private void enqueue(long time, int kind, int node, int from, Object payload) {
        queue.add(new Event(time, seq++, kind, node, from, payload));
    }

    // ---------------------------------------------------------------- Byzantine behaviour

    /** What Byzantine node {@code from} actually sends to {@code to} instead of its honest machine's message. */
    private ConsensusMessage corrupt(Node from, int to, ConsensusMessage m) {
        if (from.byz.contains(SimConfig.Behaviour.SPLIT_BRAIN)) {
            switch (m) {
                case Vote v when v.validatorAddress().equals(from.address) -> {
                    String target = splitProposals.get(v.height() + "/" + v.round() + "/" + to);
                    if (target == null && nodes.get(to).machine.height() == v.height()) {
                        target = nodes.get(to).machine.proposalHash(v.round());
                    }
                    if (target == null || target.equals(v.blockHash())) return m;
                    Vote unsigned = new Vote(v.type(), v.height(), v.round(), target, v.validatorAddress(), null);
                    return unsigned.withSignature(from.signer.sign(SignBytes.vote(CHAIN_ID, unsigned)));
                }
                case Proposal<?> p when p.polRound() == -1
                        && setAt(p.height()).proposer(p.round()).address().equals(from.address) -> {
                    SimBlock b = (SimBlock) p.block();
                    SimBlock sent = to % 2 == 1
                            ? new SimBlock(b.height(), b.prevHash(), b.proposer(), b.round(), List.of(8L, b.height())) : b;
                    splitProposals.put(p.height() + "/" + p.round() + "/" + to, sent.hashHex());
                    return sent == b ? m : reproposal(from, p, sent);
                }
                default -> { }
            }
        }
        switch (m) {
            case Vote v when v.validatorAddress().equals(from.address) && from.byz.contains(SimConfig.Behaviour.EQUIVOCATE)
                    && to % 2 == 1 -> {
                String other = v.isNil() ? fakeHash(v.height(), v.round(), 0) : null;
                Vote unsigned = new Vote(v.type(), v.height(), v.round(), other, v.validatorAddress(), null);
                return unsigned.withSignature(from.signer.sign(SignBytes.vote(CHAIN_ID, unsigned)));
            }
            case Proposal<?> p when p.polRound() >= 0 && from.byz.contains(SimConfig.Behaviour.FRESH_PROPOSAL)
                    && setAt(p.height()).proposer(p.round()).address().equals(from.address) -> {
                SimBlock b = (SimBlock) p.block();
                SimBlock fresh = new SimBlock(b.height(), b.prevHash(), from.address, p.round(), List.of(9L, (long) p.round()));
                String sig = from.signer.sign(SignBytes.proposal(CHAIN_ID, p.height(), p.round(), -1, fresh.hashHex()));
                return new Proposal<>(p.height(), p.round(), -1, fresh, sig);
            }
            case Proposal<?> p when p.polRound() == -1
                    && setAt(p.height()).proposer(p.round()).address().equals(from.address) -> {
                SimBlock b = (SimBlock) p.block();
                if (from.byz.contains(SimConfig.Behaviour.INVALID_PROPOSAL)) {
                    return reproposal(from, p, new SimBlock(b.height(), b.prevHash(), b.proposer(), b.round(),
                            List.of(-1L, b.height())));
                }
                if (from.byz.contains(SimConfig.Behaviour.DOUBLE_PROPOSE) && to % 2 == 1) {
                    return reproposal(from, p, new SimBlock(b.height(), b.prevHash(), b.proposer(), b.round(),
                            List.of(7L, (long) to)));
                }
                return m;
            }
            default -> {
                return m;
            }
        }
    }

    private Proposal<SimBlock> reproposal(Node from, Proposal<?> p, SimBlock block) {
        String sig = from.signer.sign(SignBytes.proposal(CHAIN_ID, p.height(), p.round(), p.polRound(), block.hashHex()));
        return new Proposal<>(p.height(), p.round(), p.polRound(), block, sig);
    }

    private static String fakeHash(long h, int r, int k) {
        return Hex.encode(Sha256.hash(("fake/" + h + "/" + r + "/" + k).getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- failure

    private void fail(String what) {
        List<String> lines = new ArrayList<>();
        for (Event e : trace) {
            String p = switch (e.payload) {
                case null -> "";
                case Vote v -> v.type() + " h" + v.height() + " r" + v.round() + " "
                        + (v.isNil() ? "nil" : v.blockHash().substring(0, 8)) + " by " + v.validatorAddress();
                case Proposal<?> pr -> "PROPOSAL h" + pr.height() + " r" + pr.round() + " pol" + pr.polRound() + " "
                        + ((SimBlock) pr.block()).hashHex().substring(0, 8);
                case Decision<?> d -> "DECISION h" + d.height() + " r" + d.certificate().round();
                default -> e.payload.toString();
            };
            lines.add("t=" + e.time + " " + switch (e.kind) {
                case DELIVER -> "deliver " + e.from + "->" + e.node;
                case TIMEOUT -> "timeout @" + e.node;
                case GOSSIP -> "gossip @" + e.node;
                default -> "sync-request " + e.from + "->" + e.node;
            } + " " + p);
        }
        Map<Integer, String> states = new TreeMap<>();
        for (Node n : nodes) {
            states.put(n.index, "h" + n.machine.height() + " r" + n.machine.round() + " " + n.machine.step()
                    + " locked=" + n.machine.lockedRound() + " valid=" + n.machine.validRound() + (n.honest() ? "" : " BYZ"));
        }
        lines.add("node states " + states);
        throw new Failure(config, what, lines);
    }
}
