package org.cpc.poc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cpc.poc.core.Expired;
import org.cpc.protocol.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention, on a thread of its own (a sweep reads directories and deletes files and must never hold up dispatch
 * or L1): finished tasks kept longer than {@link Retention#keepFinished()} go, with their records (the machine picks
 * them and writes their removal), then blob files and job output files older than {@link Retention#blobGrace()} that
 * no live task reads and no kept task produced. A task whose results can still be disputed ({@link Retention#disputeWindow()} blocks
 * of L1) is kept, inputs included, whatever its age. At most {@link Retention#maxDeletions()} deletions a sweep.
 * Each sweep also looks on L1 for disputes of the tasks still disputable ({@link DisputeWatch}).
 */
final class RetentionSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    /** What one sweep removed. */
    record Swept(int tasks, int records, int blobs, long bytes) {}

    private final PocDriver driver;
    private final BlobStore blobs;
    private final BlobStore outputs;
    private final Ledger ledger;
    private final Retention policy;
    private final DisputeWatch watch;
    private final InstantSource clock;
    private final ScheduledExecutorService thread;
    private final AtomicLong tasksRemoved = new AtomicLong();
    private final AtomicLong recordsRemoved = new AtomicLong();
    private final AtomicLong blobsRemoved = new AtomicLong();
    private final AtomicLong bytesFreed = new AtomicLong();
    private volatile long lastSweepAt;

    /** {@code outputs}: the large accepted job outputs ({@link JobOutputs}), swept like blobs. */
    RetentionSweeper(PocDriver driver, BlobStore blobs, BlobStore outputs, Ledger ledger, Retention policy,
                     DisputeWatch watch, InstantSource clock) {
        this.driver = driver;
        this.ledger = ledger;
        this.blobs = blobs;
        this.outputs = outputs;
        this.policy = policy;
        this.watch = watch;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("poc-retention").daemon().factory());
    }

    void start() {
        long every = policy.every().toMillis();
        thread.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.error("retention sweep failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** One sweep. Package-private for tests, which run sweeps themselves. */
    Swept sweep() {
        long started = System.nanoTime(); // for the log line only
        long nowMs = clock.millis();
        long height = l1Height();
        CompletableFuture<Void> written = new CompletableFuture<>();
        Expired e = PocDriver.await(driver.call(m -> m.expire(nowMs, policy.keepFinished().toSeconds(),
                policy.disputeWindow(), height, policy.maxDeletions(), () -> written.complete(null))));
        PocDriver.await(written);
        if (height >= 0) watch.look(e.disputable());
        Instant cutoff = clock.instant().minus(policy.blobGrace());
        Deleted swept = sweep(blobs, e, cutoff, policy.maxDeletions() - e.tasks());
        Deleted sweptOutputs = sweep(outputs, e, cutoff, policy.maxDeletions() - e.tasks() - swept.count());
        int blobCount = swept.count() + sweptOutputs.count();
        long bytes = swept.bytes() + sweptOutputs.bytes();
        tasksRemoved.addAndGet(e.tasks());
        recordsRemoved.addAndGet(e.records());
        blobsRemoved.addAndGet(blobCount);
        bytesFreed.addAndGet(bytes);
        lastSweepAt = nowMs / 1000;
        if (e.tasks() > 0 || blobCount > 0) {
            log.info("retention: removed {} finished tasks ({} records) and {} blobs ({} bytes) in {} ms", e.tasks(),
                    e.records(), blobCount, bytes, (System.nanoTime() - started) / 1_000_000);
        }
        return new Swept(e.tasks(), e.records(), blobCount, bytes);
    }

    /** What one pass over a directory deleted. */
    private record Deleted(int count, long bytes) {}

    /** Deletes up to {@code budget} files of {@code dir} older than {@code cutoff} that nothing kept reads. */
    private static Deleted sweep(BlobStore dir, Expired e, Instant cutoff, int budget) {
        int count = 0;
        long bytes = 0;
        try (Stream<String> hashes = dir.hashes()) {
            Iterator<String> it = hashes.iterator();
            while (count < budget && it.hasNext()) {
                String h = it.next();
                if (e.openInputs().contains(h) || e.referenced().contains(h)) continue;
                // A file stored again (or newly referenced) after the snapshot above is young: deleteIfOlder keeps it.
                long size = dir.deleteIfOlder(h, cutoff);
                if (size >= 0) {
                    count++;
                    bytes += size;
                }
            }
        } catch (IOException x) {
            throw new UncheckedIOException("cannot list " + dir.dir() + ": " + x.getMessage(), x);
        }
        return new Deleted(count, bytes);
    }

    /** L1's height, or -1 when L1 cannot be reached: then no dispute window closes in this sweep. */
    private long l1Height() {
        try {
            return ledger.height();
        } catch (Ledger.Unavailable x) {
            log.warn("retention: L1 unavailable, every dispute window is kept open this sweep: {}", x.getMessage());
            return -1;
        }
    }

    /** GET /retention: the policy and what it removed since this PoC validator started. */
    ObjectNode view() {
        ObjectNode o = Json.object();
        o.put("dispute_window_blocks", policy.disputeWindow());
        o.put("keep_finished_s", policy.keepFinished().toSeconds());
        o.put("blob_grace_s", policy.blobGrace().toSeconds());
        o.put("max_deletions_per_sweep", policy.maxDeletions());
        o.put("sweep_every_s", policy.every().toSeconds());
        o.put("last_sweep_at", lastSweepAt);
        o.put("tasks_removed", tasksRemoved.get());
        o.put("records_removed", recordsRemoved.get());
        o.put("blobs_removed", blobsRemoved.get());
        o.put("bytes_freed", bytesFreed.get());
        watch.view(o);
        return o;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
