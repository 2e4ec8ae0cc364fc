package org.cpc.poc;

import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.cpc.compute.market.PoolCodec;
import org.cpc.poc.core.Effect;
import org.cpc.poc.core.PocMachine;
import org.cpc.poc.core.Task;
import org.cpc.poc.core.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link PocMachine} on one thread and carries out its {@link Effect}s: messages to workers, synced writes,
 * verifications (on a pool), merges (on a thread of their own). Every input, from a socket, a timer, the L1 outbox or
 * a REST call, is queued onto the machine's thread, so the machine needs no lock; time is read here, once per input,
 * from the injected clock.
 */
public final class PocDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PocDriver.class);
    /** How often time is fed to the machine (timeouts, deadlines, duplicate waits, merges to retry). */
    static final long TICK_MS = 100;

    private final PocMachine machine;
    private final PocStore store;
    private final OutputChecker checker;
    private final InstantSource clock;
    private final ThreadPoolExecutor loop;
    private final ExecutorService verifyPool;
    private final ExecutorService merger;
    private final ScheduledExecutorService ticker;
    private final Map<Long, WorkerLink> links = new ConcurrentHashMap<>();
    /** The machine's count of accepted jobs after the last input: read by benchmarks and metrics without a hop. */
    private final AtomicLong jobsAccepted = new AtomicLong();
    private final PocMetrics metrics = new PocMetrics();
    private volatile boolean closed;

    PocDriver(PocMachine machine, PocStore store, OutputChecker checker, InstantSource clock) {
        this.machine = machine;
        this.store = store;
        this.checker = checker;
        this.clock = clock;
        // One thread, like Executors.newSingleThreadExecutor, but its queue is visible to the metrics.
        this.loop = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("poc-core").daemon().factory());
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.verifyPool = Executors.newFixedThreadPool(cores, Thread.ofPlatform().name("verify-", 0).daemon().factory());
        this.merger = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("poc-merge").daemon().factory());
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("poc-ticker").daemon().factory());
        metrics.registerDriver(() -> loop.getQueue().size(), links::size);
    }

    PocMetrics metrics() {
        return metrics;
    }

    /** The metrics in Prometheus text, with the tasks and jobs by status counted on the machine's thread first. */
    String scrape() {
        await(call(metrics::snapshot));
        return metrics.scrape();
    }

    /** Loads what the store holds into the machine and starts the clock. */
    void start() {
        input(m -> m.load(store.loadAll(), clock.millis())).join();
        ticker.scheduleWithFixedDelay(() -> post(m -> m.tick(clock.millis())), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Jobs verified, accepted and synced since the start, as of the last input the machine took. */
    long jobsAccepted() {
        return jobsAccepted.get();
    }

    long now() {
        return clock.millis();
    }

    /**
     * Queues an input; the future completes once the machine has taken it (its effects started), or exceptionally
     * with what it threw (a {@link org.cpc.poc.core.Refused} for a request it does not take).
     */
    CompletableFuture<Void> input(Function<PocMachine, List<Effect>> in) {
        return call(m -> {
            execute(in.apply(m));
            return null;
        });
    }

    /** Waits for a future of this driver, rethrowing what the machine threw (a {@link org.cpc.poc.core.Refused}). */
    static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Queues an input whose answer nobody waits for. */
    void post(Function<PocMachine, List<Effect>> in) {
        // The hot path (every worker message, verdict and synced write): no future to complete, nobody waits.
        try {
            loop.execute(() -> {
                try {
                    execute(in.apply(machine));
                    execute(machine.drain());
                    jobsAccepted.set(machine.jobsAccepted());
                } catch (RuntimeException e) {
                    execute(machine.drain());
                    if (!closed) log.error("the PoC validator's core refused an internal input", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping: inputs after close are dropped, as the connections they came from are
        }
    }

    /**
     * Runs a query, or an input that answers something, on the machine's thread; the effects it produced are carried
     * out before the answer is given.
     */
    <T> CompletableFuture<T> call(Function<PocMachine, T> query) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    T answer = query.apply(machine);
                    execute(machine.drain());
                    jobsAccepted.set(machine.jobsAccepted());
                    f.complete(answer);
                } catch (RuntimeException e) {
                    execute(machine.drain()); // what it did before it threw still happens
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new IllegalStateException("the PoC validator is stopping"));
        }
        return f;
    }

    // ------------------------------------------------------------------ workers

    void connected(long session, WorkerLink link, byte[] nonce) {
        links.put(session, link);
        post(m -> m.connected(session, nonce, clock.millis()));
    }

    void disconnected(long session) {
        if (links.remove(session) != null) post(m -> m.disconnected(session, clock.millis()));
    }

    // ------------------------------------------------------------------ effects

    private void execute(List<Effect> effects) {
        for (Effect e : effects) {
            switch (e) {
                case Effect.Send s -> {
                    metrics.sent(s.message());
                    WorkerLink l = links.get(s.session());
                    if (l != null) l.send(PoolCodec.encode(s.message()));
                }
                case Effect.Close c -> {
                    WorkerLink l = links.remove(c.session());
                    if (l != null) l.close(c.code(), c.reason());
                }
                case Effect.Persist p -> {
                    CompletableFuture<Void> written = store.write(p);
                    if (p.token() != 0) {
                        written.whenComplete((v, x) -> {
                            if (x == null) post(m -> m.persisted(p.token(), clock.millis()));
                            else log.error("a write of the PoC validator failed; what waited for it never happens", x);
                        });
                    }
                }
                case Effect.Verify v -> verify(v);
                case Effect.Merge mg -> merge(mg);
                case Effect.Forget f -> {
                    Task t = machine.find(f.taskId());
                    merger.execute(() -> checker.forget(f.taskId(), t));
                }
            }
        }
    }

    private void verify(Effect.Verify v) {
        Runnable check = () -> {
            Verdict verdict;
            long t0 = System.nanoTime();
            try {
                verdict = checker.check(v);
                metrics.verified(verdict, System.nanoTime() - t0);
            } catch (RuntimeException x) {
                metrics.verified(null, System.nanoTime() - t0);
                log.error("verifying job {} from {} failed", v.assignment().job().id(), v.worker(), x);
                verdict = new Verdict.Wrong("the PoC validator could not verify this output; its log has the details");
            }
            Verdict done = verdict;
            post(m -> m.verified(v.assignment(), done, clock.millis()));
        };
        // A check of a few thousand multiply-adds costs less than a hand-off to another thread; larger ones and
        // duplicate runs (whose disagreement recomputes the whole job) go to the pool.
        if (!v.assignment().audit() && checker.isSmall(v.assignment().job())) check.run();
        else verifyPool.execute(check);
    }

    private void merge(Effect.Merge mg) {
        Task t = machine.find(mg.taskId());
        merger.execute(() -> {
            try {
                String hash = checker.merge(t, mg.outputHashes());
                post(m -> m.merged(mg.taskId(), hash, clock.millis()));
            } catch (RuntimeException x) {
                if (closed) return; // the store closed under it; the next start merges again
                log.error("merging the result of task {} failed; tried again later", mg.taskId(), x);
                post(m -> m.mergeFailed(mg.taskId()));
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        ticker.shutdownNow();
        verifyPool.shutdownNow();
        merger.shutdownNow();
        for (WorkerLink l : links.values()) l.close(1001, "PoC validator stopping");
        links.clear();
        loop.shutdown();
        try {
            if (!loop.awaitTermination(5, TimeUnit.SECONDS)) loop.shutdownNow();
            // A merge or check under way reads the store: it must end before the store closes.
            verifyPool.awaitTermination(5, TimeUnit.SECONDS);
            merger.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
