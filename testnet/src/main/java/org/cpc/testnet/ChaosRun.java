package org.cpc.testnet;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.client.NodeClient;

/**
 * Runs a {@link Scenario} on a fresh {@link Testnet}: starts the nodes, funds the load accounts and starts the
 * load, then applies each fault, holds it, heals it, and waits for the chain to finalize again; finally stops the
 * load, lets the mempools drain, reads every node's view of the load accounts, and runs the {@link Checkers} over
 * the history. Every wait is a condition polled against a bound from {@link Bounds}.
 */
public final class ChaosRun {
    /** A fault is held at least this long, however short the duration: shorter is gone before the nodes notice. */
    static final Duration MIN_HOLD = Duration.ofSeconds(2);
    /** Lines of each node's log a report shows when a progress wait failed. */
    static final int LOG_LINES = 30;

    /**
     * What to run.
     *
     * @param duration the time the faults are held in all, shared evenly among the scenario's faults; the waits
     *     for recovery come on top
     * @param accounts load accounts, each with one transfer in flight
     * @param loaded the slack factor of {@link Bounds}
     * @param dir a new directory for the nodes' data dirs and logs
     */
    public record Options(Scenario scenario, int nodes, long blockTimeMs, Duration duration, int accounts, int loaded,
                          Path dir) {
        public Options {
            if (nodes < 4 || nodes > Testnet.MAX_NODES) {
                throw new IllegalArgumentException("nodes must be 4.." + Testnet.MAX_NODES + ", not " + nodes);
            }
            if (accounts < 1 || accounts > 64) throw new IllegalArgumentException("accounts must be 1..64");
            if (duration.isNegative()) throw new IllegalArgumentException("duration must be >= 0");
        }
    }

    /** The run could not get going (the network never started, the faucet never paid). */
    public static final class SetupException extends RuntimeException {
        public SetupException(String message) {
            super(message);
        }
    }

    private final Options o;
    private final PrintStream out;
    private final Bounds bounds;
    private final History history = new History();
    private final long t0 = System.currentTimeMillis();

    private ChaosRun(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
        this.bounds = new Bounds(o.blockTimeMs(), o.loaded());
    }

    /** Runs the scenario and returns its report; progress lines go to {@code out} as it goes. */
    public static Report run(Options o, PrintStream out) throws InterruptedException {
        return new ChaosRun(o, out).run();
    }

    private Report run() throws InterruptedException {
        List<Fault> faults = o.scenario().faults(o.nodes());
        Duration hold = o.duration().dividedBy(faults.size());
        if (hold.compareTo(MIN_HOLD) < 0) hold = MIN_HOLD;
        long pollMs = Math.max(50, o.blockTimeMs() / 2);
        List<String> accounts;
        List<String> tails = new ArrayList<>();
        List<Checkers.Verdict> verdicts = new ArrayList<>();
        long loadStart;
        try (Testnet net = Testnet.start(o.dir(), o.nodes(), o.blockTimeMs())) {
            say("started " + o.nodes() + " validators in " + o.dir() + "; waiting for height 2");
            awaitStarted(net, pollMs);
            Market market = o.scenario().market() ? Market.start(net, history) : null;
            // A transfer not included within a worst height is likely stuck behind a fault (a partitioned or muted node):
            // the account moves on to another node rather than waiting out the fault.
            Load load = new Load(net, history, o.accounts(), pollMs, bounds.worstHeightMs());
            accounts = load.addresses();
            try (Observer obs = new Observer(net, history, pollMs)) {
                if (!load.fund(System.nanoTime() + bounds.underFault().toNanos())) {
                    throw new SetupException("the faucet's transfers to the load accounts were not included in time");
                }
                MarketLoad tasks = null;
                if (market != null) {
                    tasks = MarketLoad.fund(net, history, bounds, pollMs, System.nanoTime() + bounds.underFault().toNanos());
                    if (tasks == null) throw new SetupException("the faucet's transfer to the market's customer was not included in time");
                    say("market: PoC validator at " + market.url() + ", " + Market.WORKERS + " workers; customer "
                            + tasks.customer() + " creating tasks");
                    tasks.start();
                    if (!tasks.awaitCompleted(System.nanoTime() + bounds.startup().toNanos())) {
                        throw new SetupException("no market task completed before the faults\n" + market.tail(LOG_LINES));
                    }
                }
                load.start();
                loadStart = System.currentTimeMillis();
                say("load: " + o.accounts() + " accounts; baseline");
                awaitProgress(obs, -1, "baseline", "before faults", net.nodes(), obs.maxHead() + 2, bounds.underFault());
                for (int i = 0; i < faults.size(); i++) {
                    if (!inject(net, obs, i, faults.get(i), hold)) {
                        say("the network did not recover; the remaining faults are skipped");
                        break;
                    }
                }
                load.close();
                if (tasks != null) tasks.close();
                say("load stopped; letting the mempools drain");
                awaitDrained(net, pollMs);
                if (tasks != null) {
                    say("waiting for every market task to end on L1 (bound: its deadline + a recovery)");
                    tasks.settle();
                }
                obs.finish();
                readAccounts(net, accounts);
                if (tasks != null) tasks.readLedger(market.workerAddresses());
            }
            if (history.of(History.Progress.class).stream().anyMatch(p -> !p.met())) {
                for (int i = 0; i < net.size(); i++) tails.add("node" + i + ": " + net.tail(i, LOG_LINES));
            }
            verdicts.addAll(Checkers.all(history, accounts, t0, Testnet.params(o.blockTimeMs()).maxFutureBlockMs()));
            if (market != null) {
                List<Checkers.Verdict> m = MarketCheckers.all(history, t0);
                verdicts.addAll(m);
                if (m.stream().anyMatch(v -> !v.ok())) tails.add(market.tail(LOG_LINES));
            }
        }
        return Report.of(o, hold, t0, loadStart, System.currentTimeMillis(), history, accounts, verdicts, tails);
    }

    /** Applies, holds and heals one fault; false when the chain did not finalize again after the heal. */
    private boolean inject(Testnet net, Observer obs, int index, Fault fault, Duration hold) throws InterruptedException {
        String what = fault.describe();
        long before = obs.maxHead();
        history.add(new History.FaultStarted(System.currentTimeMillis(), index, what, before, fault.halts()));
        say("fault " + index + ": " + what + " for " + hold.toMillis() / 1000.0 + " s");
        long start = System.nanoTime();
        List<Long> refusalsBefore = refusals(net);
        Fault.Healer healer = fault.apply(net);
        Set<Integer> quorum = fault.quorum(net.size());
        if (!quorum.isEmpty()) {
            awaitProgress(obs, index, what, "under fault", List.copyOf(quorum), before + 1, bounds.underFault());
        }
        long left = start + hold.toNanos() - System.nanoTime();
        if (left > 0) Thread.sleep(Duration.ofNanos(left));
        long atHeal = obs.maxHead();
        if (fault instanceof Fault.Skew skew) {
            List<Long> now = refusals(net);
            List<Long> during = new ArrayList<>();
            for (int i = 0; i < now.size(); i++) during.add(now.get(i) - refusalsBefore.get(i));
            history.add(new History.ClockRefusals(System.currentTimeMillis(), index, skew, during));
            say("  blocks refused for their timestamp, per node: " + during);
        }
        healer.heal();
        history.add(new History.FaultHealed(System.currentTimeMillis(), index, what, atHeal));
        return awaitProgress(obs, index, what, "after heal", net.nodes(), atHeal + 1, bounds.afterHeal(fault.restarts()));
    }

    /**
     * Waits until every node in {@code nodes} has a head of at least {@code target}; records how long it took (or
     * that {@code bound} ran out) as a {@link History.Progress}, and says it.
     */
    private boolean awaitProgress(Observer obs, int index, String fault, String phase, List<Integer> nodes, long target,
                                  Duration bound) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        while (true) {
            List<Long> heads = obs.heads(nodes);
            boolean done = heads.stream().allMatch(h -> h >= target);
            if (done || System.nanoTime() > deadline) {
                long took = done ? (System.nanoTime() - start) / 1_000_000 : -1;
                history.add(new History.Progress(System.currentTimeMillis(), index, fault, phase, nodes, target, took,
                        bound.toMillis(), heads));
                say(String.format("  %s: %s", phase, done ? String.format("nodes %s at height %d after %.1f s",
                        nodes, target, took / 1000.0) : "NOT within " + bound.toSeconds() + " s; heads " + heads));
                return done;
            }
            Thread.sleep(Math.max(20, o.blockTimeMs() / 10));
        }
    }

    /** Per node: the lines its log has so far that refuse a block for its timestamp. */
    private static List<Long> refusals(Testnet net) {
        List<Long> r = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) r.add(net.logLines(i, Fault.Skew.REFUSAL_LOG));
        return r;
    }

    private void awaitStarted(Testnet net, long pollMs) throws InterruptedException {
        long deadline = System.nanoTime() + bounds.startup().toNanos();
        while (true) {
            boolean all = true;
            for (int i = 0; i < net.size(); i++) all &= height(net.client(i)) >= 2;
            if (all) return;
            if (System.nanoTime() > deadline) {
                StringBuilder sb = new StringBuilder("the network did not reach height 2 within "
                        + bounds.startup().toSeconds() + " s");
                for (int i = 0; i < net.size(); i++) sb.append("\nnode").append(i).append(": ").append(net.tail(i, LOG_LINES));
                throw new SetupException(sb.toString());
            }
            Thread.sleep(pollMs);
        }
    }

    /** Waits (bounded) for every node's mempool to be empty, so that the nonces they report count no pending tx. */
    private void awaitDrained(Testnet net, long pollMs) throws InterruptedException {
        long deadline = System.nanoTime() + bounds.underFault().toNanos();
        while (System.nanoTime() < deadline) {
            boolean empty = true;
            for (int i = 0; i < net.size(); i++) {
                try {
                    empty &= net.client(i).status().path("mempool_size").asLong() == 0;
                } catch (NodeClient.NodeUnavailableException | IllegalStateException e) {
                    empty = false;
                }
            }
            if (empty) return;
            Thread.sleep(pollMs);
        }
        say("  mempools not empty after " + bounds.underFault().toSeconds() + " s; the account check will say why");
    }

    private void readAccounts(Testnet net, List<String> accounts) {
        for (int i = 0; i < net.size(); i++) {
            for (String a : accounts) {
                try {
                    JsonNode b = net.client(i).balance(a);
                    history.add(new History.AccountSeen(System.currentTimeMillis(), i, a,
                            new BigInteger(b.path("balance").asText()), b.path("nonce").asLong()));
                } catch (NodeClient.NodeUnavailableException | IllegalStateException e) {
                    // The accounts checker compares the readings there are; a node that cannot answer is a
                    // failed recovery, which the progress checker has already reported.
                    say("  node" + i + " did not answer for " + a + ": " + e.getMessage());
                }
            }
        }
    }

    private static long height(NodeClient c) {
        try {
            return c.status().path("height").asLong();
        } catch (NodeClient.NodeUnavailableException | IllegalStateException e) {
            return -1; // not up yet, or up but answering an error while it starts
        }
    }

    private void say(String line) {
        out.printf("[%6.1f s] %s%n", (System.currentTimeMillis() - t0) / 1000.0, line);
        out.flush();
    }
}
