package org.cpc.node.consensus;

import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.cpc.chain.Chain;
import org.cpc.chain.InvalidBlockException;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-proposer consensus: every {@code block_time_ms} it builds a block from the mempool (empty blocks too, so
 * height tracks time and synthetic-task windows keep moving), signs the header hash with the validator's
 * ML-DSA-65 key and commits it. One thread does all of it, so two blocks are never in flight at once.
 */
public final class BlockProducer implements Consensus {
    private static final Logger LOG = LoggerFactory.getLogger(BlockProducer.class);

    /** A committed block and how long it took from proposal to durable commit. */
    public record Produced(Block block, long nanos) {}

    private final Chain chain;
    private final ValidatorKey key;
    private final InstantSource clock;
    private final Consumer<Produced> onProduced;
    private final AtomicBoolean started = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "block-producer");
        t.setDaemon(true);
        return t;
    });

    public BlockProducer(Chain chain, ValidatorKey key, InstantSource clock, Consumer<Produced> onProduced) {
        this.chain = chain;
        this.key = key;
        this.clock = clock;
        this.onProduced = onProduced;
        boolean listed = chain.validators().stream().anyMatch(v -> v.address().equals(key.address()));
        if (!listed) {
            throw new IllegalArgumentException("validator key " + key.address() + " is not a validator of this chain;"
                    + " genesis lists " + chain.validators().stream().map(v -> v.address()).toList());
        }
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) throw new IllegalStateException("block producer already started");
        long interval = chain.params().blockTimeMs();
        timer.scheduleAtFixedRate(this::produceSafely, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a block commit took more than 30 s to finish during shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds, signs and commits one block now; the timer calls it, and tests may too. */
    public Block produce() throws InvalidBlockException {
        long t0 = System.nanoTime();
        // A block's timestamp must move forward even if the wall clock steps back (NTP) or two blocks fall in
        // the same millisecond.
        long now = Math.max(clock.millis(), chain.head().header().timestamp() + 1);
        Block proposal = chain.propose(key.address(), 0, now);
        byte[] signature = key.sign(proposal.header().hash());
        Block block = new Block(proposal.header(), proposal.transactions(), Hex.encode(signature));
        chain.commit(block);
        onProduced.accept(new Produced(block, System.nanoTime() - t0));
        return block;
    }

    private void produceSafely() {
        try {
            produce();
        } catch (InvalidBlockException e) {
            LOG.error("our own proposal was invalid, skipping this slot: {}", e.getMessage());
        } catch (RuntimeException e) {
            // The timer must survive any one failure; a dead producer would silently halt the chain.
            LOG.error("block production failed, retrying next slot", e);
        }
    }
}
