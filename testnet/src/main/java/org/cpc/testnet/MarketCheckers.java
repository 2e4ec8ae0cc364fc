package org.cpc.testnet;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Task Market's checkers over a run's {@link History}: every task the customer sent ended on L1, no job was paid
 * twice, and the escrow is conserved to the wei. Each returns a {@link Checkers.Verdict} with the events that show a
 * violation.
 */
public final class MarketCheckers {
    private MarketCheckers() {}

    static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    public static List<Checkers.Verdict> all(History h, long t0) {
        return List.of(tasksEnded(h, t0), jobsPaidOnce(h, t0), escrow(h, t0));
    }

    /**
     * Every task the Task Market acknowledged ended on L1 (completed, failed with its escrow refunded, or cancelled),
     * or L1 never took it and the market says it failed; an unacknowledged one that L1 took ended there too, and
     * one L1 never took is over (its market status is reported, not judged: the market may have refused it).
     */
    static Checkers.Verdict tasksEnded(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        Map<String, History.TaskEnded> ended = lastEnded(h);
        Map<String, Integer> byStatus = new TreeMap<>();
        int acknowledged = 0;
        for (History.TaskCreated c : created(h).values()) {
            History.TaskEnded e = ended.get(c.taskId());
            if (c.acknowledged()) acknowledged++;
            if (e == null) {
                evidence.add(Checkers.show(c, t0) + ", but how it ended was never read");
                continue;
            }
            boolean absent = e.l1Status().equals(History.TaskEnded.ABSENT);
            boolean ok = TERMINAL.contains(e.l1Status()) || absent && (!c.acknowledged() || e.marketStatus().equals("failed"));
            if (!ok) {
                evidence.add(Checkers.show(c, t0));
                evidence.add("  left open: " + Checkers.show(e, t0));
            }
            byStatus.merge(e.l1Status(), 1, Integer::sum);
        }
        return Checkers.verdict("market-tasks-ended", evidence, created(h).size() + " tasks sent (" + acknowledged
                + " acknowledged by the Task Market), each ended; on L1: " + byStatus);
    }

    /**
     * On L1 each task pays each of its jobs at most once (a completed task every job exactly once), and each worker's
     * balance is exactly what its jobs paid it (workers earn nothing else and pay no fees).
     */
    static Checkers.Verdict jobsPaidOnce(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        Map<String, BigInteger> earned = new TreeMap<>();
        int jobs = 0;
        for (History.TaskEnded e : lastEnded(h).values()) {
            Set<Integer> seen = new TreeSet<>();
            for (History.JobPaid p : e.results()) {
                if (!seen.add(p.job())) evidence.add("job " + p.job() + " paid twice: " + Checkers.show(e, t0));
                if (p.job() < 0 || p.job() >= e.jobsTotal()) {
                    evidence.add("job " + p.job() + " outside 0.." + (e.jobsTotal() - 1) + ": " + Checkers.show(e, t0));
                }
                earned.merge(p.worker(), p.workerReward(), BigInteger::add);
                jobs++;
            }
            if (e.l1Status().equals("completed") && seen.size() != e.jobsTotal()) {
                evidence.add("completed with " + seen.size() + " of " + e.jobsTotal() + " jobs paid: " + Checkers.show(e, t0));
            }
        }
        for (History.MarketLedger l : h.of(History.MarketLedger.class)) {
            for (Map.Entry<String, BigInteger> w : l.workerBalances().entrySet()) {
                BigInteger want = earned.getOrDefault(w.getKey(), BigInteger.ZERO);
                if (!w.getValue().equals(want)) {
                    evidence.add("worker " + w.getKey() + " holds " + w.getValue() + " wei, but its jobs paid it " + want
                            + ": " + Checkers.show(l, t0));
                }
            }
        }
        return Checkers.verdict("market-jobs-paid-once", evidence, jobs + " job payouts, none twice; workers' balances "
                + "equal their jobs' pay " + earned);
    }

    /**
     * Escrow and supply to the wei: every ended task holds no escrow and paid out at most its reward (a completed one
     * all of it, the rest refunded); the customer's balance fell by exactly its fees plus what its tasks paid out;
     * the supply buckets sum to the total and no market escrow is left.
     */
    static Checkers.Verdict escrow(History h, long t0) {
        List<String> evidence = new ArrayList<>();
        BigInteger paid = BigInteger.ZERO;
        BigInteger refunded = BigInteger.ZERO;
        for (History.TaskEnded e : lastEnded(h).values()) {
            if (!TERMINAL.contains(e.l1Status())) continue;
            BigInteger p = e.paid();
            if (e.escrowLeft().signum() != 0) evidence.add("escrow left in an ended task: " + Checkers.show(e, t0));
            if (p.compareTo(e.reward()) > 0) evidence.add("paid more than the reward: " + Checkers.show(e, t0));
            if (e.l1Status().equals("completed") && !p.equals(e.reward())) {
                evidence.add("completed but paid " + p + " of " + e.reward() + ": " + Checkers.show(e, t0));
            }
            paid = paid.add(p);
            refunded = refunded.add(e.reward().subtract(p));
        }
        List<History.MarketLedger> ledgers = h.of(History.MarketLedger.class);
        if (ledgers.isEmpty()) evidence.add("the market's ledger was never read (no node answered)");
        for (History.MarketLedger l : ledgers) {
            BigInteger fees = l.fees().values().stream().reduce(BigInteger.ZERO, BigInteger::add);
            BigInteger spent = l.customerStart().subtract(l.customerEnd());
            if (!spent.equals(fees.add(paid))) {
                evidence.add("the customer spent " + spent + " wei, but its fees " + fees + " + its tasks' payouts "
                        + paid + " = " + fees.add(paid) + ": " + Checkers.show(l, t0));
            }
            BigInteger sum = l.supplyBuckets().values().stream().reduce(BigInteger::add).orElse(BigInteger.ZERO);
            if (!sum.equals(l.supplyTotal())) {
                evidence.add("supply buckets sum to " + sum + ", not the total " + l.supplyTotal() + ": " + Checkers.show(l, t0));
            }
            BigInteger left = l.supplyBuckets().getOrDefault("market_escrow", BigInteger.ZERO);
            if (left.signum() != 0 && allEnded(h)) {
                evidence.add("every task ended, but market_escrow holds " + left + " wei: " + Checkers.show(l, t0));
            }
        }
        return Checkers.verdict("market-escrow", evidence, "ended tasks hold no escrow; " + paid + " wei paid out, " + refunded
                + " refunded; the customer's balance change equals fees + payouts; supply buckets sum to the total");
    }

    private static boolean allEnded(History h) {
        return lastEnded(h).values().stream().allMatch(e -> TERMINAL.contains(e.l1Status())
                || e.l1Status().equals(History.TaskEnded.ABSENT));
    }

    /** The tasks sent, by id, the first sending of each. */
    private static Map<String, History.TaskCreated> created(History h) {
        Map<String, History.TaskCreated> m = new LinkedHashMap<>();
        for (History.TaskCreated c : h.of(History.TaskCreated.class)) m.putIfAbsent(c.taskId(), c);
        return m;
    }

    /** The last reading of how each task stood. */
    private static Map<String, History.TaskEnded> lastEnded(History h) {
        Map<String, History.TaskEnded> m = new TreeMap<>();
        for (History.TaskEnded e : h.of(History.TaskEnded.class)) m.put(e.taskId(), e);
        return m;
    }
}
