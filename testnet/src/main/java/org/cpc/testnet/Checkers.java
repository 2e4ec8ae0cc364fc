package org.cpc.testnet;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Jepsen-style checks over a whole run's {@link History}. Each returns a {@link Verdict}: what it verified, and
 * for a violation the smallest set of events that shows it (two nodes' blocks at one height, an acknowledged
 * inclusion and the block that lacks it, ...), so a failure can be read without the run's logs.
 */
public final class Checkers {
    private Checkers() {}

    /**
     * One checker's outcome.
     *
     * @param evidence empty when {@code ok}; otherwise the events that prove the violation, one per line
     */
    public record Verdict(String name, boolean ok, String summary, List<String> evidence) {
        public Verdict {
            evidence = List.copyOf(evidence);
        }
    }

    /** How many evidence lines one verdict prints at most; the first violations are the ones to read. */
    static final int MAX_EVIDENCE = 12;

    public static List<Verdict> all(History h, List<String> loadAccounts, long runStartMs, long maxFutureBlockMs) {
        return List.of(agreement(h, runStartMs), inclusionsDurable(h, runStartMs), accounts(h, loadAccounts, runStartMs),
                progress(h, runStartMs), haltsWithoutQuorum(h, runStartMs), timestamps(h, runStartMs, maxFutureBlockMs),
                clockRefusals(h, runStartMs));
    }

    /** Every node serves the same block at every height it has, and every such block has a valid certificate. */
    static Verdict agreement(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        Map<Long, Map<String, History.BlockSeen>> byHeight = new TreeMap<>();
        int certificates = 0;
        for (History.BlockSeen b : h.of(History.BlockSeen.class)) {
            byHeight.computeIfAbsent(b.height(), k -> new LinkedHashMap<>()).putIfAbsent(b.hash(), b);
            if (b.certificateProblem() != null) {
                evidence.add("bad certificate: " + show(b, t0) + ": " + b.certificateProblem());
            } else {
                certificates++;
            }
        }
        for (Map<String, History.BlockSeen> hashes : byHeight.values()) {
            if (hashes.size() > 1) {
                evidence.add("conflicting blocks at height " + hashes.values().iterator().next().height() + ":");
                hashes.values().forEach(b -> evidence.add("  " + show(b, t0)));
            }
        }
        return verdict("agreement", evidence, byHeight.size() + " heights, one hash each on every node; "
                + certificates + " commit certificates verified (> 2/3 of the power)");
    }

    /** A transaction a node acknowledged as included at height h is in every node's block h. */
    static Verdict inclusionsDurable(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        List<History.BlockSeen> blocks = h.of(History.BlockSeen.class);
        Map<Long, List<History.BlockSeen>> byHeight = new HashMap<>();
        for (History.BlockSeen b : blocks) byHeight.computeIfAbsent(b.height(), k -> new ArrayList<>()).add(b);
        List<History.Included> acks = h.of(History.Included.class);
        for (History.Included ack : acks) {
            List<History.BlockSeen> at = byHeight.getOrDefault(ack.height(), List.of());
            if (at.isEmpty()) {
                evidence.add(show(ack, t0) + ", but no node served a block at that height");
            }
            for (History.BlockSeen b : at) {
                if (b.txs().stream().noneMatch(t -> t.hash().equals(ack.txHash()))) {
                    evidence.add(show(ack, t0) + ", but " + show(b, t0) + " does not hold it");
                }
            }
        }
        return verdict("acknowledged-inclusions", evidence, acks.stream().map(History.Included::txHash).distinct().count()
                + " transfers acknowledged as included, each found in every node's block at its height");
    }

    /**
     * The load accounts: in the agreed chain each account's nonces run 0, 1, 2, … without gap or repeat, and once
     * the load stopped every node reports the balance and next nonce that replaying the chain gives.
     */
    static Verdict accounts(History h, List<String> accounts, long t0) {
        List<String> evidence = new ArrayList<>();
        // The agreed chain: one block per height (agreement checks that the others are the same).
        Map<Long, History.BlockSeen> chain = new TreeMap<>();
        for (History.BlockSeen b : h.of(History.BlockSeen.class)) chain.putIfAbsent(b.height(), b);
        Set<String> load = Set.copyOf(accounts);
        Map<String, Long> nextNonce = new HashMap<>();
        Map<String, BigInteger> balance = new HashMap<>();
        for (String a : accounts) {
            nextNonce.put(a, 0L);
            balance.put(a, BigInteger.ZERO);
        }
        for (History.BlockSeen b : chain.values()) {
            for (History.TxRef t : b.txs()) {
                // A CREATE_TASK (the market load's) has no recipient.
                if (t.to() != null && load.contains(t.to())) balance.merge(t.to(), t.amount(), BigInteger::add);
                if (!load.contains(t.from())) continue;
                long want = nextNonce.get(t.from());
                if (t.nonce() != want) {
                    evidence.add("account " + t.from() + ": nonce " + t.nonce() + " where " + want + " was next, in "
                            + show(b, t0));
                }
                nextNonce.put(t.from(), t.nonce() + 1);
                balance.merge(t.from(), t.amount().add(t.charge()).negate(), BigInteger::add);
            }
        }
        List<History.AccountSeen> seen = h.of(History.AccountSeen.class);
        for (History.AccountSeen s : seen) {
            if (!s.balance().equals(balance.get(s.address())) || s.nonce() != nextNonce.get(s.address())) {
                evidence.add(show(s, t0) + ", but the chain gives balance " + balance.get(s.address())
                        + " wei and next nonce " + nextNonce.get(s.address()));
            }
        }
        long txs = nextNonce.values().stream().mapToLong(Long::longValue).sum();
        return verdict("accounts", evidence, accounts.size() + " load accounts, " + txs
                + " transfers: nonces in order without gaps; " + seen.size()
                + " final balance/nonce readings, all equal to the chain's replay");
    }

    /** Where a quorum stayed connected the chain kept finalizing, and after every heal it finalized again. */
    static Verdict progress(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        List<History.Progress> all = h.of(History.Progress.class);
        for (History.Progress p : all) {
            if (!p.met()) {
                evidence.add(show(p, t0));
                h.of(History.FaultStarted.class).stream().filter(f -> f.index() == p.index())
                        .forEach(f -> evidence.add("  " + show(f, t0)));
                h.of(History.FaultHealed.class).stream().filter(f -> f.index() == p.index())
                        .forEach(f -> evidence.add("  " + show(f, t0)));
            }
        }
        return verdict("progress", evidence, all.size() + " waits for progress (under a fault that leaves a "
                + "quorum, and after every heal), each within its bound");
    }

    /**
     * While no group holds a quorum, no height is finalized: the highest head anywhere grows by at most 2 over the
     * one seen before the fault (one height in flight whose precommits were already out, one for polling lag).
     */
    static Verdict haltsWithoutQuorum(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        List<History.FaultStarted> halting = new ArrayList<>();
        Map<Integer, History.FaultHealed> healed = new HashMap<>();
        h.of(History.FaultHealed.class).forEach(f -> healed.put(f.index(), f));
        for (History.FaultStarted f : h.of(History.FaultStarted.class)) {
            if (!f.halts()) continue;
            halting.add(f);
            History.FaultHealed end = healed.get(f.index());
            long until = end == null ? Long.MAX_VALUE : end.atMs();
            for (History.HeightSeen s : h.of(History.HeightSeen.class)) {
                if (s.atMs() > f.atMs() && s.atMs() < until && s.height() > f.maxHeight() + 2) {
                    evidence.add(show(s, t0) + " during " + show(f, t0));
                    break;
                }
            }
        }
        return verdict("halts-without-quorum", evidence, halting.size()
                + " faults without a quorum: no height finalized past the one in flight");
    }

    /**
     * Block timestamps on the agreed chain: strictly increasing with the height, and never more than
     * {@code max_future_block_ms} ahead of the harness's (correct) clock when a node first served the block — which
     * the nodes with correct clocks, holding more than 2/3 of the power, enforce whatever a skewed one proposes.
     */
    static Verdict timestamps(History h, long t0, long maxFutureBlockMs) {
        List<String> evidence = new ArrayList<>();
        Map<Long, History.BlockSeen> chain = new TreeMap<>();
        for (History.BlockSeen b : h.of(History.BlockSeen.class)) chain.putIfAbsent(b.height(), b);
        History.BlockSeen prev = null;
        for (History.BlockSeen b : chain.values()) {
            if (prev != null && prev.height() == b.height() - 1 && b.timestampMs() <= prev.timestampMs()) {
                evidence.add("timestamp " + b.timestampMs() + " not after its parent's " + prev.timestampMs() + ": "
                        + show(b, t0));
            }
            if (b.timestampMs() > b.atMs() + maxFutureBlockMs) {
                evidence.add("timestamp " + b.timestampMs() + " is " + (b.timestampMs() - b.atMs())
                        + " ms ahead of the time it was served, beyond max_future_block_ms " + maxFutureBlockMs + ": "
                        + show(b, t0));
            }
            prev = b;
        }
        return verdict("timestamps", evidence, chain.size() + " blocks: timestamps increase with the height and none "
                + "is more than max_future_block_ms (" + maxFutureBlockMs + " ms) ahead of a correct clock");
    }

    /**
     * Clock skew within {@code max_future_block_ms} makes no node refuse a block for its timestamp; beyond it, the
     * node whose clock is behind refuses blocks (and says so in its log), and blocks proposed by a node whose clock
     * is ahead are refused by the others. Whether everyone else went on finalizing, and the skewed node caught up
     * after its clock was set right, is the progress checker's part.
     */
    static Verdict clockRefusals(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        List<History.ClockRefusals> all = h.of(History.ClockRefusals.class);
        for (History.ClockRefusals c : all) {
            Fault.Skew f = c.fault();
            long skewed = c.refusals().get(f.node());
            long others = c.refusals().stream().mapToLong(Long::longValue).sum() - skewed;
            String wrong = null;
            if (f.withinBound() && skewed + others > 0) {
                wrong = "blocks were refused for their timestamps although the skew is within the bound";
            } else if (!f.withinBound() && f.offsetMs() < 0 && skewed == 0) {
                wrong = "node" + f.node() + ", its clock behind, logged no refused block";
            } else if (!f.withinBound() && f.offsetMs() > 0 && others == 0) {
                wrong = "no node logged a refused block of node" + f.node() + ", whose clock is ahead";
            }
            if (wrong != null) {
                evidence.add("fault " + c.index() + " (" + f.describe() + "): " + wrong + "; refusal lines per node "
                        + c.refusals());
            }
        }
        return verdict("clock-skew", evidence, all.size() + " clock skews: blocks refused for their timestamp exactly "
                + "when the skew is beyond max_future_block_ms, and by the node it should be");
    }

    static Verdict verdict(String name, List<String> evidence, String summary) {
        List<String> shown = evidence.size() <= MAX_EVIDENCE ? evidence
                : new ArrayList<>(evidence.subList(0, MAX_EVIDENCE));
        if (shown != evidence) shown.add("… and " + (evidence.size() - MAX_EVIDENCE) + " more");
        return new Verdict(name, evidence.isEmpty(), summary, shown);
    }

    /** An event as one line, its time as seconds since the run started. */
    static String show(History.Event e, long t0) {
        String at = String.format("t=%.1fs ", (e.atMs() - t0) / 1000.0);
        return at + switch (e) {
            case History.BlockSeen b -> "node" + b.node() + " block " + b.height() + " = " + b.hash().substring(0, 16)
                    + "… (" + b.txs().size() + " txs)";
            case History.HeightSeen s -> "node" + s.node() + " head " + s.height();
            case History.Sent s -> "sent nonce " + s.nonce() + " of account " + s.account() + " to node" + s.node()
                    + ": " + (s.accepted() ? "accepted " : "refused (" + s.error() + ") ") + s.txHash().substring(0, 16) + "…";
            case History.Included i -> "node" + i.node() + " acknowledged tx " + i.txHash().substring(0, 16)
                    + "… included at height " + i.height();
            case History.FaultStarted f -> "fault " + f.index() + " started: " + f.fault() + " (max head " + f.maxHeight() + ")";
            case History.FaultHealed f -> "fault " + f.index() + " healed: " + f.fault() + " (max head " + f.maxHeight() + ")";
            case History.Progress p -> "fault " + p.index() + " " + p.phase() + ": nodes " + p.nodes() + " did not all reach "
                    + p.target() + " within " + p.boundMs() / 1000 + " s; heads then " + p.heights();
            case History.ClockRefusals c -> "fault " + c.index() + " (" + c.fault().describe()
                    + "): refusal lines per node " + c.refusals();
            case History.AccountSeen a -> "node" + a.node() + " reports " + a.address() + ": balance " + a.balance()
                    + " wei, next nonce " + a.nonce();
            case History.TaskCreated c -> "task " + c.taskId() + " sent (nonce " + c.nonce() + ", deadline "
                    + c.deadline() + "): " + (c.acknowledged() ? "acknowledged" : "not acknowledged (" + c.error() + ")");
            case History.TaskEnded t -> "task " + t.taskId() + ": L1 " + t.l1Status() + ", market " + t.marketStatus()
                    + ", escrow left " + t.escrowLeft() + " wei, " + t.results().size() + "/" + t.jobsTotal()
                    + " jobs paid " + t.paid() + " wei of " + t.reward();
            case History.PocKilled k -> "PoC validator killed" + (k.midTask() ? " with a task under way" : "");
            case History.MarketLedger l -> "customer " + l.customer() + " " + l.customerStart() + " -> "
                    + l.customerEnd() + " wei, " + l.fees().size() + " txs; supply " + l.supplyTotal() + " " + l.supplyBuckets();
        };
    }
}
