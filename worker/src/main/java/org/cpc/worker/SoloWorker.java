package org.cpc.worker;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.cpc.client.Backoff;
import org.cpc.client.NodeClient.NodeUnavailableException;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Solo mode: earns the compute share of block rewards with synthetic tasks. For the newest block it computes the
 * task, proves it, and sends one signed SUBMIT_RESULT; blocks that arrive while it computes are skipped, since
 * only the newest is worth working on and a result for a block older than {@code synthetic_window} is refused.
 * It keeps going through node outages (backoff), counts what the chain accepted and paid, and stops cleanly on
 * {@link #stop()}: a proof in progress is abandoned, a transaction is either sent whole or not at all.
 *
 * <p>Nonces: fetched from the node (which counts this account's pending transactions, so a restarted worker
 * continues where it left off), then counted locally; fetched again after any doubt (a refusal, a dropped result,
 * a node outage mid-send).
 */
public final class SoloWorker implements Worker {
    /** What the devnet faucet is asked for when the worker cannot pay a result's fee: a million results' worth. */
    public static final String FAUCET_TOP_UP_CPC = "1.0";
    private static final Duration TICK = Duration.ofMillis(100);

    private final NodeApi api;
    private final AccountKey key;
    private final ComputeBackend backend;
    private final StatusReporter reporter;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final ExecutorService proverThread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("prover").daemon().factory());
    private final Backoff nodeBackoff = Backoff.standard();

    private volatile boolean stopped;
    private volatile BlockFeed feed;
    private volatile NetworkParams params;
    private volatile InclusionTracker inclusions;
    private volatile double gops = Double.NaN;
    private volatile long lastBlock = -1;
    private volatile long accepted;
    private volatile long rejected;
    private volatile long computed;
    private volatile long bytesSent;
    private volatile BigInteger earnedWei = BigInteger.ZERO;
    private long nextNonce = -1;
    private boolean funded;
    /** The worker bond is at least min_worker_bond (synthetic results are refused below it). */
    private boolean bonded;
    private String bondTx;
    private boolean warnedUnfunded;
    private String faucetTx;
    private volatile boolean nodeAway;

    public SoloWorker(NodeApi api, AccountKey key, ComputeBackend backend, StatusReporter reporter) {
        this.api = api;
        this.key = key;
        this.backend = backend;
        this.reporter = reporter;
    }

    /** Works until {@link #stop()}; returns once stopped. Throws only if computing itself fails. */
    @Override
    public void run() {
        try {
            params = untilAnswered(api::params);
            if (params == null) return;
            reporter.event("worker " + key.address() + " on " + api.url() + ", chain " + params.chainId()
                    + ": n=" + params.syntheticMatrixSize() + ", " + params.syntheticSpotChecks() + " spot checks, fee "
                    + Amounts.formatCpc(ResultTransaction.fee(params)) + " CPC per result");
            reporter.event("compute backend " + backend.description());
            inclusions = new InclusionTracker(api);
            feed = new BlockFeed(api, Duration.ofMillis(params.blockTimeMs()), Backoff.standard(), reporter::event)
                    .start();
            loop(new SyntheticProver(backend.gemm()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (feed != null) feed.close();
            proverThread.shutdownNow();
            reporter.finish(status());
            finished.countDown();
        }
    }

    /** Asks the worker to stop; {@link #run()} returns within about a tenth of a second, unless it is mid-request. */
    public void stop() {
        stopped = true;
        stopSignal.countDown();
    }

    /** Waits for {@link #run()} to return after {@link #stop()}. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public WorkerStatus status() {
        NetworkParams p = params;
        BlockFeed f = feed;
        InclusionTracker t = inclusions;
        return new WorkerStatus(backend.gemm().name() + "×" + backend.gemm().threads(),
                p == null ? 0 : p.syntheticMatrixSize(), gops, lastBlock, f == null ? BlockFeed.Mode.CONNECTING : f.mode(),
                accepted, rejected, t == null ? 0 : t.size(), earnedWei);
    }

    public String address() {
        return key.address();
    }

    @Override
    public WorkerReading reading() {
        WorkerStatus s = status();
        return new WorkerReading("solo", s.feed() != BlockFeed.Mode.CONNECTING && !nodeAway, computed, s.accepted(),
                s.rejected(), s.pending(), s.earnedWei(), s.gops(), 0, bytesSent);
    }

    private void loop(SyntheticProver prover) throws InterruptedException {
        BlockRef worked = null;
        while (!stopped) {
            BlockRef tip = feed.awaitChange(worked, TICK);
            if (tip == null) continue;
            if (worked != null && tip.height() <= worked.height()) {
                reporter.event("the node's chain went back to height " + tip.height() + " (a reset devnet?);"
                        + " following the new chain");
                inclusions.clear();
                nextNonce = -1;
                funded = false;
                bonded = false;
                bondTx = null;
            }
            worked = tip;
            settle();
            work(prover, tip);
            reporter.status(status());
        }
    }

    private void work(SyntheticProver prover, BlockRef block) throws InterruptedException {
        int n = params.syntheticMatrixSize();
        Future<SyntheticResult> f = proverThread.submit(() ->
                prover.prove(block.hash(), block.height(), key.address(), n, params.syntheticSpotChecks()));
        SyntheticResult result = awaitProof(f);
        if (result == null) return;
        computed++;
        long mulNanos = Math.max(1, result.timings().multiplyNanos());
        gops = 2.0 * n * n * n / mulNanos;
        lastBlock = block.height();
        if (stale(block)) {
            reporter.event("block " + block.height() + ": finished after the chain moved "
                    + params.syntheticWindow() + " blocks on; not sending (increase speed or use a faster backend)");
            return;
        }
        send(block, result);
    }

    /** The proof, or null if the worker was stopped first (the computation is then abandoned, not awaited). */
    private SyntheticResult awaitProof(Future<SyntheticResult> f) throws InterruptedException {
        while (true) {
            try {
                return f.get(TICK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (stopped) {
                    f.cancel(true);
                    return null;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("computing the synthetic task failed on " + backend.description()
                        + ": " + e.getCause(), e.getCause());
            }
        }
    }

    /** A result for {@code block} could no longer be included: the next block is beyond the window. */
    private boolean stale(BlockRef block) {
        BlockRef tip = feed.latest();
        return tip != null && tip.height() + 1 - block.height() > params.syntheticWindow();
    }

    /** Sends the result once; through a node outage it retries the same result until it would be stale. */
    private void send(BlockRef block, SyntheticResult result) throws InterruptedException {
        Transaction sent = null;
        while (!stopped && !stale(block)) {
            try {
                if (sent != null && api.transaction(sent.hashHex()).isPresent()) {
                    // The outage hid the node's answer, but it has the transaction: it was received.
                    received(block, sent.hashHex());
                    return;
                }
                if (nextNonce < 0 || !funded || !bonded) {
                    if (!checkAccount()) return;
                }
                sent = ResultTransaction.build(key, params, result, nextNonce, System.currentTimeMillis() / 1000);
                bytesSent += sent.toJson().toString().length();
                switch (api.submit(sent)) {
                    case NodeApi.Submission.Accepted a -> received(block, a.txHash());
                    case NodeApi.Submission.Rejected r -> refused(block, r.reason());
                }
                return;
            } catch (NodeUnavailableException e) {
                nextNonce = -1;
                waitForNode(e);
            }
        }
    }

    private void received(BlockRef block, String txHash) {
        nodeBack();
        nextNonce++;
        inclusions.add(new InclusionTracker.Pending(txHash, block.height()));
        reporter.event(String.format(Locale.ROOT, "block %d: result sent (%.1f GOPS), tx %s", block.height(), gops,
                txHash));
    }

    private void refused(BlockRef block, String reason) {
        nodeBack();
        rejected++;
        reporter.event("block " + block.height() + ": the node refused the result: " + reason);
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.contains("nonce")) nextNonce = -1;
        if (r.contains("balance")) funded = false;
        if (r.contains("min_worker_bond")) bonded = false;
    }

    /**
     * Reads the account's next nonce and checks it can pay a result's fee and is bonded at least min_worker_bond.
     * On a devnet an empty account asks the faucet and an unbonded one bonds itself (BOND {"role":"worker"});
     * elsewhere it says how to fund or bond it. False while it cannot send a result.
     */
    private boolean checkAccount() {
        NodeApi.Account a = api.account(key.address());
        nextNonce = a.nextNonce();
        BigInteger fee = ResultTransaction.fee(params);
        BigInteger missingBond = params.bonds().minWorkerBond().subtract(api.workerBond(key.address())).max(BigInteger.ZERO);
        bonded = missingBond.signum() == 0;
        BigInteger bondFee = BigInteger.valueOf(GasSchedule.intrinsicGas(TxType.BOND,
                Json.object().put("role", "worker"), params)).multiply(BigInteger.valueOf(params.minGasPrice()));
        BigInteger need = bonded ? fee : fee.add(missingBond).add(bondFee);
        funded = a.balance().compareTo(need) >= 0;
        if (funded && bonded) {
            warnedUnfunded = false;
            return true;
        }
        if (funded && params.faucetEnabled()) return bond(missingBond);
        if (!bonded && !params.faucetEnabled()) {
            if (!warnedUnfunded) {
                reporter.event("worker " + key.address() + " has a worker bond below min_worker_bond "
                        + Amounts.formatCpc(params.bonds().minWorkerBond()) + " CPC, so its results would be refused:"
                        + " bond " + Amounts.formatCpc(missingBond) + " CPC more (cpc tx bond --role worker --amount "
                        + Amounts.formatCpc(missingBond) + " ...); waiting");
                warnedUnfunded = true;
            }
            return false;
        }
        if (params.faucetEnabled()) {
            // One request at a time: a transfer still in the mempool will pay for this worker soon enough.
            if (faucetTx != null && api.transaction(faucetTx).isPresent()) return false;
            try {
                faucetTx = api.faucet(key.address(), FAUCET_TOP_UP_CPC);
                reporter.event("balance " + Amounts.formatCpc(a.balance()) + " CPC cannot pay a result's fee of "
                        + Amounts.formatCpc(fee) + " CPC; asked the devnet faucet for " + FAUCET_TOP_UP_CPC + " CPC");
            } catch (IllegalStateException e) {
                reporter.event("the devnet faucet refused " + FAUCET_TOP_UP_CPC + " CPC: " + e.getMessage());
            }
        } else if (!warnedUnfunded) {
            reporter.event("account " + key.address() + " holds " + Amounts.formatCpc(a.balance())
                    + " CPC and a result's fee is up to " + Amounts.formatCpc(fee) + " CPC: send it some CPC"
                    + " (cpc tx send --to " + key.address() + " ...); waiting");
            warnedUnfunded = true;
        }
        return false;
    }

    /**
     * A devnet worker bonds itself the missing part of min_worker_bond once; false until the bond is on chain, so no
     * result is sent (and refused) before it. A BOND the node still knows of is never sent again: while it is
     * pending it is awaited, and once included the bond read before it may be stale, so the next check reads it anew
     * (sending another BOND then would bond twice).
     */
    private boolean bond(BigInteger missing) {
        if (bondTx != null) {
            Optional<NodeApi.TxState> known = api.transaction(bondTx);
            if (known.isPresent()) {
                if (known.get().included()) bondTx = null;
                return false;
            }
        }
        Transaction t = TxBuilder.of(params, key).nonce(nextNonce).gasPrice(params.minGasPrice())
                .timestamp(System.currentTimeMillis() / 1000).bondWorker(missing);
        switch (api.submit(t)) {
            case NodeApi.Submission.Accepted acc -> {
                bondTx = acc.txHash();
                nextNonce++;
                reporter.event("bonding " + Amounts.formatCpc(missing) + " CPC as a worker (min_worker_bond "
                        + Amounts.formatCpc(params.bonds().minWorkerBond()) + " CPC), tx " + bondTx);
            }
            case NodeApi.Submission.Rejected r -> {
                nextNonce = -1;
                reporter.event("the node refused the worker's BOND: " + r.reason());
            }
        }
        return false;
    }

    /** Learns what became of the results sent earlier: accepted and paid, or dropped. */
    private void settle() throws InterruptedException {
        if (inclusions.size() == 0) return;
        try {
            for (InclusionTracker.Outcome o : inclusions.check()) {
                switch (o) {
                    case InclusionTracker.Outcome.Included i -> {
                        accepted++;
                        earnedWei = earnedWei.add(i.earnedWei());
                        reporter.event("block " + i.blockHeight() + ": result for block " + i.pending().sourceHeight()
                                + " accepted, +" + Amounts.formatCpc(i.earnedWei()) + " CPC (total "
                                + Amounts.formatCpc(earnedWei) + " CPC)");
                    }
                    case InclusionTracker.Outcome.Dropped d -> {
                        rejected++;
                        nextNonce = -1; // the dropped transaction's nonce is free again
                        reporter.event("result for block " + d.pending().sourceHeight() + " was dropped by the node"
                                + " without being included (tx " + d.pending().txHash() + ")");
                    }
                }
            }
            nodeBack();
        } catch (NodeUnavailableException e) {
            waitForNode(e);
        }
    }

    /** The call's answer once the node is reachable; null if the worker was stopped first. */
    private <T> T untilAnswered(Supplier<T> call) throws InterruptedException {
        while (!stopped) {
            try {
                T t = call.get();
                nodeBack();
                return t;
            } catch (NodeUnavailableException e) {
                waitForNode(e);
            }
        }
        return null;
    }

    private void waitForNode(NodeUnavailableException e) throws InterruptedException {
        Duration d = nodeBackoff.next();
        if (!nodeAway) {
            reporter.event("node unavailable (" + e.getMessage() + "); retrying with backoff up to 30s");
            nodeAway = true;
        }
        stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void nodeBack() {
        nodeBackoff.reset();
        if (nodeAway) {
            reporter.event("node at " + api.url() + " is reachable again");
            nodeAway = false;
        }
    }
}
