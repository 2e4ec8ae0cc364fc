package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.cpc.chain.Chain;
import org.cpc.consensus.ConsensusDriver;
import org.cpc.consensus.ConsensusInput;
import org.cpc.consensus.ConsensusMessage;
import org.cpc.consensus.FileSignStateStore;
import org.cpc.consensus.FileWal;
import org.cpc.consensus.GuardedSigner;
import org.cpc.consensus.InputLog;
import org.cpc.consensus.MessageCodec;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.Proposal;
import org.cpc.consensus.TendermintMachine;
import org.cpc.consensus.Timeout;
import org.cpc.consensus.TimeoutConfig;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.consensus.WalCodec;
import org.cpc.node.DaemonScheduler;
import org.cpc.p2p.Channel;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tendermint BFT consensus for the node: a {@link ConsensusDriver} over a {@link TendermintMachine}, the chain
 * ({@link ChainApplication}) and this validator's ML-DSA-65 key, run as an actor on one thread. Messages from peers,
 * timeouts and gossip ticks are queued onto that thread, so the (not thread-safe) machine and driver are only ever
 * touched by it. Every committed block carries a commit certificate of precommit signatures, stored with it.
 *
 * <p>Pacing: the commit timeout is the chain's {@code block_time_ms}, so a new height starts {@code block_time_ms}
 * after the previous commit (the first one {@code block_time_ms} after start); empty blocks are still produced.
 *
 * <p>Crash safety (wiring plan step 6): the key signs through a {@link GuardedSigner} whose state is
 * {@code <consensus dir>/priv_validator_state.log}, and every input of the current height goes to the WAL
 * {@code <consensus dir>/wal} before the machine applies it. A restart — of the process, or of the driver after a
 * failure — replays that WAL into a fresh machine, which resumes its round, lock and valid value and gets back the
 * signatures it gave before (docs/consensus.md, "Crash safety").
 *
 * <p>Transport: {@link Channel#CONSENSUS} of the P2P network, in {@link MessageCodec}'s JSON, plus
 * {@code {"type":"decision_request","height":h}} for the driver's one-height catch-up. What the machine produces is
 * broadcast and the gossip tick re-sends the current height's messages: enough for a fully connected validator set
 * (see docs/consensus.md for partial meshes). A node without a key follows consensus without voting.
 */
public final class TendermintConsensus implements Consensus {
    private static final Logger LOG = LoggerFactory.getLogger(TendermintConsensus.class);
    /**
     * Most peer messages waiting for the consensus thread. A burst beyond it is dropped (and counted): each is
     * re-sent by its sender's next gossip tick, whereas an unbounded queue would let peers exhaust memory.
     */
    public static final int MAX_PENDING_MESSAGES = 10_000;
    public static final String SIGN_STATE_FILE = "priv_validator_state.log";
    public static final String WAL_FILE = "wal";

    private final Chain chain;
    private final ValidatorKey key;
    private final InstantSource clock;
    private final ChainApplication app;
    private final TimeoutConfig timeouts;
    private final long gossipMs;
    private final PeerNetwork network;
    private final MessageCodec<Block> codec = new MessageCodec<>(BlockJson.CODEC);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    /** What the driver was at after its last step, for metrics: written on the consensus thread only. */
    private volatile long observedHeight;
    private volatile int observedRound;
    private final AtomicLong roundChanges = new AtomicLong();
    private static final Set<String> DECISION_REQUEST = Set.of("type", "height");
    private final ScheduledThreadPoolExecutor executor;
    /** This validator's key behind the double-sign guard; null for a node that does not vote. */
    private final GuardedSigner signer;
    /** The WAL of the current height's inputs; null for a node that does not vote (it signs nothing to protect). */
    private final FileWal<Block> wal;
    private final EvidenceGossip evidence;
    /** Proposals on the wire: compact, rebuilt from the mempool and fetched (see {@link CompactProposals}). */
    private final CompactProposals compact;
    /** {@link SignHistoryCheck}'s lookback; 0 when the operator turned the check off. */
    private final int doubleSignCheckBlocks;
    /**
     * Why the signer is held back ({@link SignHistoryCheck}: the chain shows this key signing above what the sign
     * state remembers), or null when it signs. Touched only on the executor after {@link #start}.
     */
    private volatile String heldBack;
    /** The driver now running; replaced (a new generation) after a failure or a sync. Touched only on the executor. */
    private ConsensusDriver<Block> driver;
    /** Proposals given to {@link #deliveredTo}'s machine at {@link #deliveredHeight}; on the consensus thread. */
    private final Set<String> delivered = new java.util.HashSet<>();
    private ConsensusDriver<Block> deliveredTo;
    private long deliveredHeight;

    /**
     * @param key this validator's key, or null for a node that follows consensus without voting
     * @param network the peers to talk to (one with no peers for a lone validator)
     * @param consensusDir where the sign state and the WAL live ({@code <data>/consensus})
     * @param evidence where verified equivocation evidence is kept
     * @param doubleSignCheckBlocks how far back {@link SignHistoryCheck} looks before this key signs; 0 = off
     * @param gossiped whether a transaction (by hash) was gossiped to the peers; a proposal sends the others whole
     * @throws IllegalStateException if the sign state or the WAL is corrupt (starting without them could double-sign)
     */
    public TendermintConsensus(Chain chain, ValidatorKey key, InstantSource clock,
            Consumer<ChainApplication.Produced> onProduced, PeerNetwork network, Path consensusDir,
            EvidenceStore evidence, int doubleSignCheckBlocks, Predicate<String> gossiped) {
        this.chain = chain;
        this.key = key;
        this.clock = clock;
        this.network = network;
        this.app = new ChainApplication(chain, key, onProduced, evidence);
        this.evidence = new EvidenceGossip(chain, evidence, network);
        this.doubleSignCheckBlocks = doubleSignCheckBlocks;
        this.compact = new CompactProposals(network, chain.params().maxBlockTxs(), chain::pendingTransaction, gossiped,
                this::signedByProposer);
        if (key == null) {
            this.signer = null;
            this.wal = null;
        } else {
            this.signer = new GuardedSigner(MlDsaSignatures.signer(key.address(), key.privateKey()),
                    new FileSignStateStore(consensusDir.resolve(SIGN_STATE_FILE), LOG::warn),
                    refused -> LOG.error("not signing, not sending: {}", refused.getMessage()));
            this.wal = FileWal.open(consensusDir.resolve(WAL_FILE), new WalCodec<>(BlockJson.CODEC),
                    FileWal.DEFAULT_CAP_BYTES, LOG::warn);
        }
        long blockMs = chain.params().blockTimeMs();
        TimeoutConfig d = TimeoutConfig.DEFAULT;
        this.timeouts = new TimeoutConfig(d.propose(), d.proposeDelta(), d.prevote(), d.prevoteDelta(), d.precommit(),
                d.precommitDelta(), blockMs);
        this.gossipMs = Math.max(blockMs, 1000);
        this.executor = DaemonScheduler.single("consensus");
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("consensus already started");
        if (key != null) {
            if (doubleSignCheckBlocks == 0) {
                LOG.warn("the double-sign check is off (double_sign_check_blocks 0): if another copy of validator {}"
                        + " is running, both sign and are slashed and tombstoned", key.address());
            }
            checkSignHistory();
            long next = chain.head().header().height() + 1;
            ValidatorSet set = chain.validatorSet(next);
            Validator own = set.byAddress(key.address());
            if (own == null) {
                LOG.info("validator key {} is not in the validator set of height {}: following; it signs from the"
                        + " height whose set includes it", key.address(), next);
            } else if (!set.isQuorum(own.power())) {
                LOG.info("this validator holds {} of {} voting power: blocks need peers holding the rest of a"
                        + " two-thirds quorum", own.power(), set.totalPower());
            }
        }
        startDriver(0, timeouts.commit());
        executor.scheduleWithFixedDelay(() -> {
            // A periodic task that throws is never run again: one failure would end gossip and the evidence retries
            // for good, silently.
            try {
                if (heldBack != null && !checkSignHistory()) restartDriver();
                run(d -> d.gossipTick());
                evidence.retryDeferred();
            } catch (RuntimeException e) {
                LOG.error("gossip tick failed; the next one runs as usual", e);
            }
        }, gossipMs, gossipMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@link SignHistoryCheck} for this key against the chain as it is now, logging a change; returns whether
     * the signer is (still) held back.
     */
    private boolean checkSignHistory() {
        String why = SignHistoryCheck.holdBack(chain, key.address(), signer.last(), doubleSignCheckBlocks)
                .orElse(null);
        if (why != null && heldBack == null) {
            LOG.error("NOT SIGNING: {}", why);
        } else if (why == null && heldBack != null) {
            LOG.info("validator {}: the chain has gone {} blocks without a signature of this key; signing again",
                    key.address(), doubleSignCheckBlocks);
        }
        heldBack = why;
        return why != null;
    }

    @Override
    public boolean signingHeldBack() {
        return heldBack != null;
    }

    private void restartDriver() {
        driver = null;
        startDriver(0, 0);
    }

    @Override
    public void stop() {
        if (!stopped.compareAndSet(false, true)) return;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a block commit took more than 30 s to finish during shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (wal != null) wal.close();
        LOG.info("compact proposals: {} blocks rebuilt, {} requests for missing transactions, {} transactions fetched",
                compact.rebuilt(), compact.requested(), compact.fetched());
    }

    /**
     * A message from a peer on {@link Channel#CONSENSUS}: parsed here, on the caller's (the peer's reader) thread,
     * and queued onto the consensus thread. Signatures are checked there, by the machine.
     *
     * @throws IllegalArgumentException the message is malformed (the caller penalizes the peer)
     */
    public void receive(String peerId, byte[] payload) {
        JsonNode node = Json.parse(payload);
        if (CompactMessages.handles(node.path("type").textValue())) {
            compact.receive(peerId, node, observedHeight, p -> enqueue(() -> deliver(peerId, p)));
        } else if (EvidenceGossip.isEvidence(node)) {
            evidence.received(peerId, evidence.parse(node)); // on the reader's thread: it needs no consensus state
        } else if ("decision_request".equals(node.path("type").textValue())) {
            long height = JsonFields.of(node, "decision_request", DECISION_REQUEST).uint("height");
            enqueue(() -> runStarted(d -> d.onDecisionRequest(peerId, height)));
        } else {
            ConsensusMessage m = codec.fromJson(node);
            enqueue(() -> runStarted(d -> d.onMessage(peerId, m)));
        }
    }

    /**
     * Whether a compact proposal is signed by the proposer of its (height, round), as the machine will check again;
     * false for a height whose set the chain does not know yet (beyond the next), whose proposal a later re-send
     * brings.
     */
    private boolean signedByProposer(CompactMessages.Compact c) {
        ValidatorSet set;
        try {
            set = chain.validatorSet(c.height());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MlDsaSignatures.VERIFIER.verifyProposal(chain.params().chainId(), set.proposer(c.round()), c.height(),
                c.round(), c.polRound(), c.blockHash(), c.signature());
    }

    /**
     * A (rebuilt) proposal to the machine, on the consensus thread. Peers re-send the current proposal on every
     * gossip tick, and the machine keeps the first proposal of a round and ignores the rest; a copy it has been
     * given at its height, of a round it does not skip ({@code <= round + 1}), is dropped here, so that it is not
     * written to the WAL (a whole block) again each time.
     */
    private void deliver(String peerId, Proposal<Block> p) {
        runStarted(d -> {
            TendermintMachine<Block> m = d.machine();
            if (deliveredTo != d || deliveredHeight != m.height()) {
                delivered.clear();
                deliveredTo = d;
                deliveredHeight = m.height();
            }
            boolean current = p.height() == m.height() && p.round() <= m.round() + 1;
            if (current && !delivered.add(p.round() + "/" + p.block().hashHex() + "/" + p.signature())) return;
            d.onMessage(peerId, p);
        });
    }

    /**
     * Like {@link #run} but skips a driver whose machine has not started its height yet (during the pause after
     * a (re)start): its height is unknown, and the message comes again with the sender's next gossip tick.
     */
    private void runStarted(Consumer<ConsensusDriver<Block>> step) {
        run(d -> {
            if (d.machine().height() >= 1) step.accept(d);
        });
    }

    private void enqueue(Runnable r) {
        if (pending.incrementAndGet() > MAX_PENDING_MESSAGES) {
            pending.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        try {
            executor.execute(() -> {
                pending.decrementAndGet();
                r.run();
            });
        } catch (RejectedExecutionException shuttingDown) {
            pending.decrementAndGet();
        }
    }

    /** A peer connected: it is sent the evidence it may not have seen. */
    public void peerConnected(String peerId) {
        evidence.peerConnected(peerId);
    }

    /** How proposals travel, with its counters. */
    public CompactProposals compactProposals() {
        return compact;
    }

    /** Peer messages dropped because the consensus thread's queue was full. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** The height consensus was deciding after its last step (0 before it started). */
    public long height() {
        return observedHeight;
    }

    /** The round consensus was in after its last step. */
    public int round() {
        return observedRound;
    }

    /** Rounds entered after round 0 of a height, since the start. */
    public long roundChanges() {
        return roundChanges.get();
    }

    /**
     * The chain's head moved underneath consensus (block sync committed blocks): on the consensus thread, a driver
     * still working on a committed height is replaced by a fresh one at head + 1, started at once since the
     * network is already there. A driver at or above head + 1 is left alone.
     */
    public void headMoved() {
        schedule(() -> {
            // The blocks just synced may show this key signing elsewhere: a restored validator whose chain was
            // behind saw nothing at start.
            boolean nowHeld = signer != null && heldBack == null && checkSignHistory();
            long next = chain.head().header().height() + 1;
            if (!nowHeld && driver != null && driver.machine().height() >= next) return;
            restartDriver();
        }, 0);
    }

    /**
     * After {@code backoffMs}, a fresh machine and driver at the chain's head + 1: resumed from the WAL when it
     * holds that height (a restart mid-height), else starting round 0 after {@code startDelayMs}.
     */
    private void startDriver(long backoffMs, long startDelayMs) {
        schedule(() -> {
            // The set of each height comes from the committed chain, never from consensus's own state.
            TendermintMachine<Block> machine = new TendermintMachine<>(chain.params().chainId(), chain::validatorSet,
                    heldBack == null ? signer : null, MlDsaSignatures.VERIFIER, app, timeouts);
            ConsensusDriver<Block> d = new ConsensusDriver<>(machine, app, new P2pTransport(), new Timers(),
                    e -> evidence.recorded(e, machine.validators()), wal != null ? wal : InputLog.none());
            driver = d;
            long height = chain.head().header().height() + 1;
            run(x -> {
                List<ConsensusInput<Block>> logged = wal != null ? wal.inputs() : List.of();
                if (!logged.isEmpty() && logged.getFirst() instanceof ConsensusInput.Start<Block> s
                        && s.height() == height) {
                    LOG.info("resuming consensus at height {} from the WAL ({} inputs)", height, logged.size());
                    x.replay(logged);
                } else {
                    x.start(height, startDelayMs);
                }
            });
        }, backoffMs);
    }

    /** Runs {@code step} on the current driver; a failure is logged and consensus restarts from the chain's head. */
    private void run(Consumer<ConsensusDriver<Block>> step) {
        ConsensusDriver<Block> d = driver;
        if (d == null || stopped.get()) return;
        try {
            step.accept(d);
            observe(d);
        } catch (RuntimeException e) {
            // The thread must survive any one failure; a dead consensus would silently halt the chain.
            LOG.error("consensus failed (machine at height {}, committed head {}); restarting from the committed head",
                    d.machine().height(), chain.head().header().height(), e);
            driver = null;
            startDriver(timeouts.commit(), timeouts.commit());
        }
    }

    /** Notes the driver's height and round for metrics; on the consensus thread. */
    private void observe(ConsensusDriver<Block> d) {
        long h = d.machine().height();
        int r = d.machine().round();
        if (h == observedHeight && r > observedRound) roundChanges.addAndGet(r - observedRound);
        else if (h != observedHeight && r > 0) roundChanges.addAndGet(r);
        observedHeight = h;
        observedRound = r;
    }

    private void schedule(Runnable r, long delayMs) {
        if (stopped.get()) return;
        try {
            executor.schedule(r, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // stop() was called: nothing more to do
        }
    }

    /** Wall-clock timers onto the consensus thread; a timeout of a replaced driver is dropped. */
    private final class Timers implements ConsensusDriver.Timers {
        @Override
        public long nowMs() {
            return clock.millis();
        }

        @Override
        public void schedule(Timeout t, long delayMs) {
            ConsensusDriver<Block> owner = driver;
            TendermintConsensus.this.schedule(() -> {
                if (driver == owner) run(d -> d.onTimeout(t));
            }, delayMs);
        }
    }

    /** The driver's messages onto {@link Channel#CONSENSUS}. */
    private final class P2pTransport implements ConsensusDriver.Transport {
        @Override
        public void broadcast(ConsensusMessage m) {
            // Not encoded for nobody, e.g. on a lone devnet (a proposal hashes every transaction it lists).
            if (network.peers().isEmpty()) return;
            network.broadcast(Channel.CONSENSUS, wire(m));
        }

        @Override
        public void send(String peer, ConsensusMessage m) {
            network.send(peer, Channel.CONSENSUS, wire(m));
        }

        @SuppressWarnings("unchecked")
        private byte[] wire(ConsensusMessage m) {
            return m instanceof Proposal<?> p ? compact.encode((Proposal<Block>) p) : encode(codec.toJson(m));
        }

        @Override
        public void requestDecision(String peer, long height) {
            ObjectNode o = Json.object().put("type", "decision_request").put("height", height);
            network.send(peer, Channel.CONSENSUS, encode(o));
        }
    }

    private static byte[] encode(JsonNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
