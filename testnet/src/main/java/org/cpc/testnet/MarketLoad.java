package org.cpc.testnet;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.cpc.client.NodeClient;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.poc.MarketClient;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;

/**
 * A customer of the Task Market during a chaos run: funded by node0's faucet, it creates small matmul tasks one
 * after the other through the market's REST API ({@code POST /blobs}, {@code POST /tasks}), each once L1 knows the
 * one before (or the wait for it ran out: then it asks L1 for its nonce again). After the faults it waits, bounded
 * by each task's deadline, until L1 has ended every task, and reads the ledger the {@link MarketCheckers} need.
 * Everything goes into the {@link History}.
 */
final class MarketLoad implements AutoCloseable {
    /** Each task: a 32×32 by 32×32 int8 product in 4 jobs of 8 rows, for {@link #REWARD_CPC}. */
    static final int DIM = 32;
    static final int ROWS_PER_JOB = 8;
    static final String REWARD_CPC = "1.0";
    static final String FUNDING_CPC = "100.0";
    /**
     * A task's deadline, seconds after its creation: long enough for a task to outlast a fault and its recovery, short
     * enough that a task nobody finishes is refunded within the run.
     */
    static final long DEADLINE_S = 90;

    private final Testnet net;
    private final History history;
    private final Bounds bounds;
    private final long pollMs;
    private final MarketClient market;
    private final AccountKey customer = AccountKey.of(Secp256k1.randomPrivateKey());
    private final Random rnd = new Random(13);
    private final Thread thread;
    private volatile boolean running = true;
    private BigInteger startBalance;

    private MarketLoad(Testnet net, History history, Bounds bounds, long pollMs) {
        this.net = net;
        this.history = history;
        this.bounds = bounds;
        this.pollMs = pollMs;
        this.market = new MarketClient(net.market().url());
        this.thread = Thread.ofVirtual().name("market-load").unstarted(this::loop);
    }

    /** Funds the customer (true once node0 shows it funded by {@code deadlineNanos}); the load starts with {@link #start}. */
    static MarketLoad fund(Testnet net, History history, Bounds bounds, long pollMs, long deadlineNanos)
            throws InterruptedException {
        MarketLoad l = new MarketLoad(net, history, bounds, pollMs);
        NodeClient faucet = net.client(0);
        NodeClient.require(faucet.post("/faucet", Json.object().put("address", l.customer.address())
                .put("amount", FUNDING_CPC)));
        while (System.nanoTime() < deadlineNanos) {
            BigInteger b = new BigInteger(faucet.balance(l.customer.address()).path("balance").asText());
            if (b.signum() > 0) {
                l.startBalance = b;
                return l;
            }
            Thread.sleep(pollMs);
        }
        return null;
    }

    String customer() {
        return customer.address();
    }

    void start() {
        thread.start();
    }

    /** Stops creating tasks (the one being sent is finished). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }

    private void loop() {
        long nonce = -1; // -1: ask L1
        while (running) {
            try {
                if (nonce < 0) nonce = l1Nonce();
                if (nonce < 0 || !createOne(nonce)) {
                    nonce = -1;
                    Thread.sleep(pollMs);
                } else {
                    nonce++;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Creates one task with {@code nonce}; true once L1 knows it, false when that did not happen in time. */
    private boolean createOne(long nonce) throws InterruptedException {
        byte[] a = new byte[DIM * DIM];
        byte[] b = new byte[DIM * DIM];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        long deadline = System.currentTimeMillis() / 1000 + DEADLINE_S;
        BigInteger reward = Amounts.parseCpc(REWARD_CPC);
        ComputeTask task = MarketClient.newTask("matmul",
                MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), DIM, DIM, DIM, ROWS_PER_JOB),
                reward, deadline);
        Transaction tx = MarketClient.createTaskTx(customer, net.params(), task, nonce, System.currentTimeMillis() / 1000);
        String id = task.taskId();
        try {
            market.uploadBlob(a);
            market.uploadBlob(b);
        } catch (MarketClient.MarketException e) {
            return false; // nothing sent yet: the same nonce again
        }
        try {
            market.createTask(tx);
            history.add(new History.TaskCreated(System.currentTimeMillis(), id, tx.hashHex(), nonce, reward, deadline,
                    true, null));
        } catch (MarketClient.MarketException e) {
            history.add(new History.TaskCreated(System.currentTimeMillis(), id, tx.hashHex(), nonce, reward, deadline,
                    false, e.getMessage()));
            return false;
        }
        long until = System.nanoTime() + bounds.afterHeal(true).toNanos();
        // A stopped load does not wait on: the settle wait follows every task it sent anyway.
        while (running && System.nanoTime() < until) {
            NodeClient.Reply r = l1("/task/" + id);
            if (r != null && r.ok()) return true;
            Thread.sleep(pollMs);
        }
        return false;
    }

    /** Waits until L1 has completed a task the load sent: the market works before the faults start. */
    boolean awaitCompleted(long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            for (History.TaskCreated t : history.of(History.TaskCreated.class)) {
                NodeClient.Reply r = l1("/task/" + t.taskId());
                if (r != null && r.ok() && r.body().path("status").asText().equals("completed")) return true;
            }
            Thread.sleep(pollMs);
        }
        return false;
    }

    /**
     * Waits until L1 has ended every task sent (completed, failed or cancelled), or L1 does not know it and the Task
     * Market says it failed; each wait is bounded by the task's deadline plus a recovery. Records how each stood.
     */
    void settle() throws InterruptedException {
        // Each task's own bound, fixed now; all are polled in each round, so the waits overlap rather than add up.
        Map<String, Long> until = new LinkedHashMap<>();
        Map<String, History.TaskCreated> open = new LinkedHashMap<>();
        for (History.TaskCreated t : history.of(History.TaskCreated.class)) {
            if (open.putIfAbsent(t.taskId(), t) != null) continue;
            long waitMs = Math.max(0, t.deadline() * 1000 - System.currentTimeMillis()) + bounds.afterHeal(true).toMillis();
            until.put(t.taskId(), System.nanoTime() + waitMs * 1_000_000L);
        }
        while (!open.isEmpty()) {
            for (var it = open.values().iterator(); it.hasNext(); ) {
                History.TaskCreated t = it.next();
                History.TaskEnded seen = read(t);
                if (ended(seen) || System.nanoTime() > until.get(t.taskId())) {
                    history.add(seen);
                    it.remove();
                }
            }
            if (!open.isEmpty()) Thread.sleep(pollMs);
        }
    }

    static boolean ended(History.TaskEnded e) {
        return switch (e.l1Status()) {
            case "completed", "failed", "cancelled" -> true;
            // Not on L1: over once the market gave up on it, or never had it (then nothing can publish it).
            case History.TaskEnded.ABSENT -> e.marketStatus().equals("failed")
                    || e.marketStatus().equals(History.TaskEnded.ABSENT);
            default -> false;
        };
    }

    private History.TaskEnded read(History.TaskCreated t) {
        String marketStatus;
        try {
            marketStatus = market.task(t.taskId()).path("status").asText();
        } catch (MarketClient.MarketException e) {
            marketStatus = e.status() == 404 ? History.TaskEnded.ABSENT : "";
        }
        NodeClient.Reply r = l1("/task/" + t.taskId());
        if (r == null || !r.ok()) {
            return new History.TaskEnded(System.currentTimeMillis(), t.taskId(),
                    r != null && r.status() == 404 ? History.TaskEnded.ABSENT : "unknown", marketStatus, t.reward(),
                    BigInteger.ZERO, 0, List.of());
        }
        JsonNode j = r.body();
        List<History.JobPaid> paid = new ArrayList<>();
        for (JsonNode p : j.path("results")) {
            paid.add(new History.JobPaid(p.path("job").asInt(), p.path("worker_address").asText(),
                    new BigInteger(p.path("worker_reward").asText()), new BigInteger(p.path("poc_reward").asText()),
                    new BigInteger(p.path("treasury_reward").asText())));
        }
        return new History.TaskEnded(System.currentTimeMillis(), t.taskId(), j.path("status").asText(), marketStatus,
                new BigInteger(j.path("reward").asText()), new BigInteger(j.path("escrow_left").asText()),
                j.path("jobs_total").asInt(), paid);
    }

    /**
     * Reads, from one node, the customer's balance, the fee of each of its transactions the agreed chain holds, the
     * workers' balances and the supply; recorded as a {@link History.MarketLedger}.
     */
    void readLedger(List<String> workers) {
        Map<Long, History.BlockSeen> chain = new TreeMap<>();
        for (History.BlockSeen b : history.of(History.BlockSeen.class)) chain.putIfAbsent(b.height(), b);
        for (int i = 0; i < net.size(); i++) {
            if (!net.up(i)) continue;
            NodeClient c = net.client(i);
            try {
                Map<String, BigInteger> fees = new TreeMap<>();
                for (History.BlockSeen b : chain.values()) {
                    for (History.TxRef t : b.txs()) {
                        if (!t.from().equals(customer.address())) continue;
                        JsonNode tx = NodeClient.require(c.get("/tx/" + t.hash()));
                        fees.put(t.hash(), BigInteger.valueOf(tx.path("gas_used").asLong())
                                .multiply(BigInteger.valueOf(tx.path("tx").path("gas_price").asLong())));
                    }
                }
                Map<String, BigInteger> balances = new TreeMap<>();
                for (String w : workers) balances.put(w, new BigInteger(c.balance(w).path("balance").asText()));
                BigInteger end = new BigInteger(c.balance(customer.address()).path("balance").asText());
                JsonNode supply = NodeClient.require(c.get("/supply"));
                Map<String, BigInteger> buckets = new TreeMap<>();
                supply.path("buckets").properties().forEach(e -> buckets.put(e.getKey(), new BigInteger(e.getValue().asText())));
                history.add(new History.MarketLedger(System.currentTimeMillis(), customer.address(), startBalance, end,
                        fees, balances, new BigInteger(supply.path("total").asText()), buckets));
                return;
            } catch (NodeClient.NodeUnavailableException | IllegalStateException e) {
                // the next node
            }
        }
    }

    /** The customer's next nonce on L1, -1 when no node answers. */
    private long l1Nonce() {
        NodeClient.Reply r = l1("/balance/" + customer.address());
        return r != null && r.ok() ? r.body().path("nonce").asLong() : -1;
    }

    /** {@code GET path} on the first node that answers, node0 (the market's, the one faults hit) last; null if none. */
    private NodeClient.Reply l1(String path) {
        for (int k = 1; k <= net.size(); k++) {
            int i = k % net.size();
            if (!net.up(i)) continue;
            try {
                NodeClient.Reply r = net.client(i).get(path);
                if (r.ok() || r.status() == 404) return r;
            } catch (NodeClient.NodeUnavailableException e) {
                // the next node
            }
        }
        return null;
    }
}
