package org.cpc.node.consensus;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.cpc.chain.Chain;
import org.cpc.chain.ValidatorInfo;
import org.cpc.consensus.ConsensusDriver;
import org.cpc.consensus.ConsensusInput;
import org.cpc.consensus.ConsensusMessage;
import org.cpc.consensus.FileSignStateStore;
import org.cpc.consensus.FileWal;
import org.cpc.consensus.GuardedSigner;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.TendermintMachine;
import org.cpc.consensus.Timeout;
import org.cpc.consensus.TimeoutConfig;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.consensus.ValidatorSets;
import org.cpc.consensus.WalCodec;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tendermint BFT consensus for the node: a {@link ConsensusDriver} over a {@link TendermintMachine}, the chain
 * ({@link ChainApplication}) and this validator's ML-DSA-65 key, run as an actor on one thread. Timeouts and
 * gossip ticks are scheduled onto that thread, so the (not thread-safe) machine and driver are only ever touched by
 * it. Every committed block carries a commit certificate of precommit signatures, stored with it.
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
 * <p>Transport: in-process, with no peers yet (no P2P). A single validator holding all the power reaches every
 * decision alone — its own prevote and precommit are a quorum. With several genesis validators and no P2P this node
 * cannot commit; see docs/consensus.md, "Wiring plan".
 */
public final class TendermintConsensus implements Consensus {
    private static final Logger LOG = LoggerFactory.getLogger(TendermintConsensus.class);
    public static final String SIGN_STATE_FILE = "priv_validator_state.log";
    public static final String WAL_FILE = "wal";

    private final Chain chain;
    private final ValidatorKey key;
    private final InstantSource clock;
    private final ChainApplication app;
    private final ValidatorSet validators;
    private final TimeoutConfig timeouts;
    private final long gossipMs;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ScheduledThreadPoolExecutor executor;
    private final GuardedSigner signer;
    private final FileWal<Block> wal;
    private final EvidenceStore evidence;
    /** The driver now running; replaced (a new generation) only after a failure. Touched only on the executor. */
    private ConsensusDriver<Block> driver;

    /**
     * @param consensusDir where the sign state and the WAL live ({@code <data>/consensus})
     * @param evidence where verified equivocation evidence is kept
     * @throws IllegalStateException if the sign state or the WAL is corrupt (starting without them could double-sign)
     */
    public TendermintConsensus(Chain chain, ValidatorKey key, InstantSource clock,
            Consumer<ChainApplication.Produced> onProduced, Path consensusDir, EvidenceStore evidence) {
        this.chain = chain;
        this.key = key;
        this.clock = clock;
        this.validators = validatorSet(chain.validators());
        if (validators.byAddress(key.address()) == null) {
            throw new IllegalArgumentException("validator key " + key.address() + " is not a validator of this chain;"
                    + " genesis lists " + chain.validators().stream().map(ValidatorInfo::address).toList());
        }
        this.app = new ChainApplication(chain, key, onProduced);
        this.evidence = evidence;
        this.signer = new GuardedSigner(MlDsaSignatures.signer(key.address(), key.privateKey()),
                new FileSignStateStore(consensusDir.resolve(SIGN_STATE_FILE), LOG::warn),
                refused -> LOG.error("not signing, not sending: {}", refused.getMessage()));
        this.wal = FileWal.open(consensusDir.resolve(WAL_FILE), new WalCodec<>(BlockJson.CODEC),
                FileWal.DEFAULT_CAP_BYTES, LOG::warn);
        long blockMs = chain.params().blockTimeMs();
        TimeoutConfig d = TimeoutConfig.DEFAULT;
        this.timeouts = new TimeoutConfig(d.propose(), d.proposeDelta(), d.prevote(), d.prevoteDelta(), d.precommit(),
                d.precommitDelta(), blockMs);
        this.gossipMs = Math.max(blockMs, 1000);
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "consensus");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    /** The genesis validators in genesis order, as consensus sees them. */
    public static ValidatorSet validatorSet(List<ValidatorInfo> infos) {
        return new ValidatorSet(infos.stream().map(v -> new Validator(v.address(), v.publicKey(), v.power())).toList());
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("consensus already started");
        long own = validators.byAddress(key.address()).power();
        if (!validators.isQuorum(own)) {
            LOG.warn("this validator holds {} of {} voting power and there is no P2P yet: it cannot commit blocks alone",
                    own, validators.totalPower());
        }
        startDriver(0);
        executor.scheduleWithFixedDelay(() -> run(d -> d.gossipTick()), gossipMs, gossipMs, TimeUnit.MILLISECONDS);
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
        wal.close();
    }

    /**
     * After {@code backoffMs}, a fresh machine and driver at the chain's head + 1: resumed from the WAL when it
     * holds that height (a restart mid-height), else starting round 0 after the commit timeout.
     */
    private void startDriver(long backoffMs) {
        schedule(() -> {
            TendermintMachine<Block> machine = new TendermintMachine<>(chain.params().chainId(),
                    ValidatorSets.fixed(validators), signer, MlDsaSignatures.VERIFIER, app, timeouts);
            ConsensusDriver<Block> d = new ConsensusDriver<>(machine, app, new LocalTransport(), new Timers(),
                    e -> {
                        if (evidence.add(e)) {
                            LOG.warn("equivocation by {} at height {} round {}: evidence kept", e.validatorAddress(),
                                    e.height(), e.first().round());
                        }
                    }, wal);
            driver = d;
            long height = chain.head().header().height() + 1;
            run(x -> {
                List<ConsensusInput<Block>> logged = wal.inputs();
                if (!logged.isEmpty() && logged.getFirst() instanceof ConsensusInput.Start<Block> s && s.height() == height) {
                    LOG.info("resuming consensus at height {} from the WAL ({} inputs)", height, logged.size());
                    x.replay(logged);
                } else {
                    x.start(height, timeouts.commit());
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
        } catch (RuntimeException e) {
            // The thread must survive any one failure; a dead consensus would silently halt the chain.
            LOG.error("consensus failed (machine at height {}, committed head {}); restarting from the committed head",
                    d.machine().height(), chain.head().header().height(), e);
            driver = null;
            startDriver(timeouts.commit());
        }
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

    /** No peers yet: nothing to send. P2P replaces this (wiring plan, step 4). */
    private static final class LocalTransport implements ConsensusDriver.Transport {
        @Override
        public void broadcast(ConsensusMessage m) {}

        @Override
        public void send(String peer, ConsensusMessage m) {}

        @Override
        public void requestDecision(String peer, long height) {}
    }
}
