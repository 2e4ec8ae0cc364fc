package org.cpc.poc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.cpc.client.Backoff;
import org.cpc.client.TxBuilder;
import org.cpc.poc.core.L1Work;
import org.cpc.poc.core.WorkerStanding;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PoC validator's conversation with L1, on a thread of its own: it asks the machine what is owed
 * ({@link L1Work}), asks L1 where each transaction is, builds and signs what is due, has the machine record it (one
 * synced write per group) and only then sends it. L1 being away only slows it down (with backoff); nothing is lost.
 */
final class L1Outbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(L1Outbox.class);
    /** How many transactions are built and recorded together before they are sent. */
    static final int GROUP = 256;
    /** The pause between passes while L1 answers. */
    static final long PASS_MS = 200;

    private final PocDriver driver;
    private final Ledger ledger;
    private final AccountKey key;
    private final int maxPending;
    private final Thread thread;
    private NetworkParams params;
    private volatile boolean closed;

    L1Outbox(PocDriver driver, Ledger ledger, AccountKey key, int maxPending) {
        this.driver = driver;
        this.ledger = ledger;
        this.key = key;
        this.maxPending = maxPending;
        this.thread = Thread.ofPlatform().name("poc-l1").daemon().unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));
        while (!closed) {
            long pause = PASS_MS;
            try {
                pass();
                backoff.reset();
            } catch (Ledger.Unavailable e) {
                driver.metrics().l1Unavailable();
                log.warn("L1 unavailable: {}", e.getMessage());
                pause = backoff.next().toMillis();
            } catch (RuntimeException e) {
                if (closed) return;
                log.error("L1 pass failed", e);
                pause = 1000;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass over what L1 must learn or confirm. Package-private so tests can run one. */
    void pass() {
        if (params == null) {
            NetworkParams p = ledger.params();
            PocDriver.await(driver.call(m -> {
                m.shares(p.marketWorkerShareBps(), p.marketPocShareBps());
                return null;
            }));
            params = p;
        }
        refreshStandings();
        L1Work.Check check = PocDriver.await(driver.call(m -> m.l1Check(driver.now())));
        for (L1Work.Publish p : check.publishing()) publish(p);
        for (String id : check.overdue()) {
            ledger.taskStatus(id).ifPresent(st -> driver.post(m -> m.taskOnL1(id, st, driver.now())));
        }
        int inMempool = 0;
        List<L1Work.Ref> included = new ArrayList<>();
        for (L1Work.Sent s : check.sent()) {
            Ledger.TxState st = ledger.txState(s.txHash());
            if (st == Ledger.TxState.INCLUDED) {
                included.add(s.ref());
            } else if (st == Ledger.TxState.PENDING) {
                inMempool++;
            } else if (ledger.send(Transaction.fromJson(s.tx())) instanceof Ledger.Sent.Rejected r) {
                refused(s.ref(), r.reason()); // a stale nonce or changed state: built again, later
            } else {
                inMempool++;
            }
        }
        if (!included.isEmpty()) PocDriver.await(driver.input(m -> m.l1Included(included, driver.now())));
        driver.metrics().l1Pass(inMempool);
        int room = Math.max(0, maxPending - inMempool);
        List<L1Work.Draft> drafts = PocDriver.await(driver.call(m -> m.l1Drafts(driver.now(), room)));
        for (int from = 0; from < drafts.size(); from += GROUP) {
            if (!sendGroup(drafts.subList(from, Math.min(drafts.size(), from + GROUP)))) break;
        }
    }

    /**
     * Reads from L1 the bond and reputation of the connected workers the machine asks about, and tells it. A read
     * that fails leaves that worker unranked until the machine asks again (a minute later); it never holds up the
     * results and payments of this pass.
     */
    private void refreshStandings() {
        List<String> due = PocDriver.await(driver.call(m -> m.standingsDue(driver.now())));
        for (String address : due) {
            try {
                WorkerStanding s = ledger.workerStanding(address);
                driver.post(m -> m.standing(address, s, driver.now()));
            } catch (Ledger.Unavailable e) {
                log.warn("could not read the standing of worker {} from L1 (read again in a minute): {}", address,
                        e.getMessage());
            }
        }
    }

    private void publish(L1Work.Publish p) {
        Ledger.TxState st = ledger.txState(p.createTxHash());
        if (st == Ledger.TxState.INCLUDED) {
            driver.post(m -> m.taskOnChain(p.taskId(), driver.now()));
            log.info("task {} is on chain; its jobs go to workers", p.taskId());
        } else if (st == Ledger.TxState.UNKNOWN
                && ledger.send(Transaction.fromJson(p.createTx())) instanceof Ledger.Sent.Rejected r) {
            driver.metrics().l1TaskRefused();
            driver.post(m -> m.taskRefused(p.taskId(), r.reason(), driver.now()));
        }
    }

    /**
     * Builds and signs a group on consecutive nonces, has it recorded (synced) and sends it; false when L1 refused one,
     * after which the rest, which would follow a nonce gap, are forgotten and built again next pass.
     */
    private boolean sendGroup(List<L1Work.Draft> group) {
        long nonce = ledger.nextNonce(key.address());
        long ts = driver.now() / 1000;
        List<L1Work.Built> built = new ArrayList<>(group.size());
        for (L1Work.Draft d : group) {
            TxBuilder b = TxBuilder.of(params, key).nonce(nonce++).timestamp(ts);
            Transaction tx = switch (d) {
                case L1Work.ResultDraft r -> b.submitResult(r.result());
                case L1Work.PayDraft p -> b.transfer(p.to(), p.amount());
            };
            built.add(new L1Work.Built(d.ref(), tx));
        }
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        PocDriver.await(driver.input(m -> m.l1Recorded(built, () -> recorded.complete(null))));
        PocDriver.await(recorded);
        for (int i = 0; i < built.size(); i++) {
            if (ledger.send(built.get(i).tx()) instanceof Ledger.Sent.Rejected r) {
                refused(built.get(i).ref(), r.reason());
                List<L1Work.Ref> rest = new ArrayList<>();
                for (L1Work.Built b : built.subList(i + 1, built.size())) rest.add(b.ref());
                if (!rest.isEmpty()) driver.post(m -> m.l1Dropped(rest));
                return false;
            }
            driver.metrics().l1Sent();
        }
        return true;
    }

    private void refused(L1Work.Ref ref, String reason) {
        driver.metrics().l1Refused();
        driver.post(m -> m.l1Refused(ref, reason, driver.now()));
        log.warn("L1 refused {}: {}", ref.what(), reason);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
