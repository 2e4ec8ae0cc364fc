package org.cpc.testnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a chaos run found: per fault the measured figures (time to finalize under the fault where a quorum stayed,
 * time to finalize again after the heal, committed load transfers per second while it lasted), the transaction
 * counts, and each checker's verdict with the evidence of any violation.
 */
public record Report(Scenario scenario, int nodes, long blockTimeMs, Duration hold, long elapsedMs,
                     double baselineTps, List<FaultFigures> faults, TxCounts txs, List<Checkers.Verdict> verdicts,
                     List<String> logTails, String dir, MarketFigures market) {
    public Report {
        faults = List.copyOf(faults);
        verdicts = List.copyOf(verdicts);
        logTails = List.copyOf(logTails);
    }

    /**
     * One fault's figures.
     *
     * @param underFaultMs time until the nodes holding a quorum finalized a new height, -1 when they did not in
     *     time, null when no quorum was expected
     * @param afterHealMs time from the heal until every node had finalized a height past the heal, -1 when not in
     *     time, null when the run stopped before it
     * @param tps committed load transfers per second between the fault's start and its heal
     */
    public record FaultFigures(int index, String fault, Long underFaultMs, Long afterHealMs, long afterHealBoundMs,
                               double tps) {}

    /**
     * @param sent transfers the load sent; {@code accepted} of them a node took into its mempool
     * @param acknowledged of those, the ones a node then answered "included" for
     * @param committed load transfers in the chain
     * @param neverIncluded accepted but not in the chain: a killed node's mempool, or a nonce another transfer took
     */
    public record TxCounts(long sent, long accepted, long acknowledged, long committed, long neverIncluded) {}

    /**
     * The Task Market's figures of a market run.
     *
     * @param sent tasks the customer sent; {@code acknowledged} of them the Task Market answered with the task
     * @param byL1Status how the tasks ended on L1 ({@code absent}: L1 never took it)
     * @param jobsPaid job payouts on L1
     * @param settledAfterHealMs from the last fault's heal until every acknowledged task was seen ended (a task L1
     *     took without the market acknowledging it has no worker and ends only at its deadline); null without a
     *     fault or an acknowledged task
     * @param pocKills PoC validator kills; {@code pocKillsMidTask} of them with a task under way
     * @param refusals why the Task Market did not acknowledge a task: each error (its first 100 characters), how often
     */
    public record MarketFigures(int sent, int acknowledged, Map<String, Integer> byL1Status, int jobsPaid,
                                Long settledAfterHealMs, int pocKills, int pocKillsMidTask, Map<String, Integer> refusals) {
        public MarketFigures {
            byL1Status = Map.copyOf(byL1Status);
            refusals = Map.copyOf(refusals);
        }

        static MarketFigures of(History h) {
            Map<String, History.TaskCreated> sent = new TreeMap<>();
            for (History.TaskCreated c : h.of(History.TaskCreated.class)) sent.putIfAbsent(c.taskId(), c);
            Map<String, History.TaskEnded> ended = new TreeMap<>();
            for (History.TaskEnded e : h.of(History.TaskEnded.class)) ended.put(e.taskId(), e);
            Map<String, Integer> byStatus = new TreeMap<>();
            int jobs = 0;
            long lastEnded = 0;
            for (History.TaskEnded e : ended.values()) {
                byStatus.merge(e.l1Status(), 1, Integer::sum);
                jobs += e.results().size();
                History.TaskCreated c = sent.get(e.taskId());
                if (c != null && c.acknowledged()) lastEnded = Math.max(lastEnded, e.atMs());
            }
            List<History.FaultHealed> heals = h.of(History.FaultHealed.class);
            Long after = heals.isEmpty() || lastEnded == 0 ? null : Math.max(0, lastEnded - heals.getLast().atMs());
            int acked = (int) sent.values().stream().filter(History.TaskCreated::acknowledged).count();
            Map<String, Integer> refusals = new TreeMap<>();
            for (History.TaskCreated c : sent.values()) {
                if (c.acknowledged()) continue;
                String e = String.valueOf(c.error());
                refusals.merge(e.length() > 100 ? e.substring(0, 100) + "…" : e, 1, Integer::sum);
            }
            List<History.PocKilled> kills = h.of(History.PocKilled.class);
            return new MarketFigures(sent.size(), acked, byStatus, jobs, after, kills.size(),
                    (int) kills.stream().filter(History.PocKilled::midTask).count(), refusals);
        }
    }

    public boolean ok() {
        return verdicts.stream().allMatch(Checkers.Verdict::ok);
    }

    static Report of(ChaosRun.Options o, Duration hold, long t0, long loadStart, long end, History h,
                     List<String> accounts, List<Checkers.Verdict> verdicts, List<String> tails) {
        // The agreed chain's load transfers by block timestamp, for the throughput figures.
        Map<Long, History.BlockSeen> chain = new TreeMap<>();
        for (History.BlockSeen b : h.of(History.BlockSeen.class)) chain.putIfAbsent(b.height(), b);
        Set<String> load = Set.copyOf(accounts);
        List<Long> loadTxTimes = new ArrayList<>(); // block timestamps, ms
        Set<String> committed = new HashSet<>();
        for (History.BlockSeen b : chain.values()) {
            for (History.TxRef t : b.txs()) {
                if (load.contains(t.from())) {
                    loadTxTimes.add(b.timestampMs());
                    committed.add(t.hash());
                }
            }
        }
        List<History.FaultStarted> starts = h.of(History.FaultStarted.class);
        List<History.FaultHealed> heals = h.of(History.FaultHealed.class);
        List<History.Progress> progress = h.of(History.Progress.class);
        long firstFault = starts.isEmpty() ? end : starts.getFirst().atMs();
        List<FaultFigures> figures = new ArrayList<>();
        for (History.FaultStarted s : starts) {
            History.FaultHealed healed = heals.stream().filter(x -> x.index() == s.index()).findFirst().orElse(null);
            Long under = progress.stream().filter(p -> p.index() == s.index() && p.phase().equals("under fault"))
                    .map(History.Progress::tookMs).findFirst().orElse(null);
            History.Progress after = progress.stream()
                    .filter(p -> p.index() == s.index() && p.phase().equals("after heal")).findFirst().orElse(null);
            long until = healed == null ? end : healed.atMs();
            figures.add(new FaultFigures(s.index(), s.fault(), under, after == null ? null : after.tookMs(),
                    after == null ? 0 : after.boundMs(), rate(loadTxTimes, s.atMs(), until)));
        }
        long sent = h.of(History.Sent.class).size();
        List<History.Sent> accepted = h.of(History.Sent.class).stream().filter(History.Sent::accepted).toList();
        long never = accepted.stream().filter(x -> !committed.contains(x.txHash())).count();
        long acked = h.of(History.Included.class).stream().map(History.Included::txHash).distinct().count();
        return new Report(o.scenario(), o.nodes(), o.blockTimeMs(), hold, end - t0,
                rate(loadTxTimes, loadStart, firstFault), figures,
                new TxCounts(sent, accepted.size(), acked, committed.size(), never), verdicts, tails,
                o.dir().toString(), o.scenario().market() ? MarketFigures.of(h) : null);
    }

    private static double rate(List<Long> times, long from, long until) {
        if (until <= from) return 0;
        long n = times.stream().filter(t -> t >= from && t < until).count();
        return n * 1000.0 / (until - from);
    }

    /** The report as text, for a terminal or a CI log. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("chaos scenario %s: %d validators, %d ms blocks, each fault held %.1f s, run %.0f s%n",
                scenario.id(), nodes, blockTimeMs, hold.toMillis() / 1000.0, elapsedMs / 1000.0));
        sb.append(String.format("  baseline: %.1f committed transfers/s%n", baselineTps));
        sb.append(String.format("  %-3s %-58s %-16s %-26s %s%n", "#", "fault", "under fault", "after heal (bound)", "tx/s"));
        for (FaultFigures f : faults) {
            String under = f.underFaultMs() == null ? "no quorum" : f.underFaultMs() < 0 ? "NO PROGRESS"
                    : String.format("final in %.1f s", f.underFaultMs() / 1000.0);
            String after = f.afterHealMs() == null ? "-" : f.afterHealMs() < 0
                    ? String.format("NOT within %d s", f.afterHealBoundMs() / 1000)
                    : String.format("%.1f s (%d s)", f.afterHealMs() / 1000.0, f.afterHealBoundMs() / 1000);
            sb.append(String.format("  %-3d %-58s %-16s %-26s %.1f%n", f.index(), f.fault(), under, after, f.tps()));
        }
        sb.append(String.format("  transfers: %d sent, %d accepted, %d acknowledged included, %d committed, "
                + "%d accepted but never included (lost with a mempool or superseded by the same nonce)%n",
                txs.sent(), txs.accepted(), txs.acknowledged(), txs.committed(), txs.neverIncluded()));
        if (market != null) {
            sb.append(String.format("  market: %d tasks sent, %d acknowledged; on L1 %s; %d jobs paid; every acknowledged task ended %s;"
                    + " PoC validator killed %d time(s), %d with a task under way%n",
                    market.sent(), market.acknowledged(), new TreeMap<>(market.byL1Status()), market.jobsPaid(),
                    market.settledAfterHealMs() == null ? "(no fault)"
                            : String.format("%.1f s after the last heal", market.settledAfterHealMs() / 1000.0),
                    market.pocKills(), market.pocKillsMidTask()));
            new TreeMap<>(market.refusals()).forEach((e, k) -> sb.append(String.format("    not acknowledged %d×: %s%n", k, e)));
        }
        sb.append("checkers:\n");
        for (Checkers.Verdict v : verdicts) {
            sb.append(String.format("  %-24s %s  %s%n", v.name(), v.ok() ? "ok  " : "FAIL", v.summary()));
            for (String e : v.evidence()) sb.append("      ").append(e).append('\n');
        }
        for (String t : logTails) sb.append(t).append('\n');
        sb.append(ok() ? "result: no violation" : "result: VIOLATION").append("   (data dirs and logs: ").append(dir)
                .append(")\n");
        return sb.toString();
    }
}
