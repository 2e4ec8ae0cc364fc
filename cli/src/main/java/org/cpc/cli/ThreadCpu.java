package org.cpc.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this process's Java threads, summed by what they do (read from the thread names the node and the load
 * generator give them), so that {@code cpc bench tps} can say where each transaction's CPU goes end to end. JIT
 * compiler, GC and RocksDB threads are not Java threads: they are the process's CPU less the groups' sum.
 */
final class ThreadCpu {
    /** Groups in print order: a thread belongs to the first whose name prefix it has. */
    static final String LOAD_GENERATOR = "load generator";
    private static final List<Map.Entry<String, String>> GROUPS = List.of(
            Map.entry("rest-", "node HTTP (parse, hash, admission)"),
            Map.entry("ForkJoinPool.commonPool", "signature checks (common pool)"),
            Map.entry("consensus", "block path (consensus thread)"),
            Map.entry("bench-client", LOAD_GENERATOR),
            Map.entry("HttpClient", LOAD_GENERATOR),
            Map.entry("bench-finality", "finality watcher"));
    private static final String OTHER = "other Java threads";

    private ThreadCpu() {}

    /** CPU nanoseconds by thread id, with each live thread's group. */
    record Sample(Map<Long, Long> nanos, Map<Long, String> group) {}

    static Sample sample() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new LinkedHashMap<>();
        Map<Long, String> group = new LinkedHashMap<>();
        if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) return new Sample(nanos, group);
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) continue;
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns < 0) continue;
            nanos.put(t.getThreadId(), ns);
            group.put(t.getThreadId(), groupOf(t.getThreadName()));
        }
        return new Sample(nanos, group);
    }

    static String groupOf(String threadName) {
        for (Map.Entry<String, String> g : GROUPS) if (threadName.startsWith(g.getKey())) return g.getValue();
        return OTHER;
    }

    /**
     * What each group spent between two samples, in print order, and the rest of {@code processNanos} (the
     * process's CPU over the same span) as "JIT, GC, RocksDB and exited threads". A thread that ended between the
     * samples counts in that rest unless it said what it spent in {@code exited} (by group).
     */
    static Map<String, Long> between(Sample before, Sample after, long processNanos, Map<String, Long> exited) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> g : GROUPS) out.putIfAbsent(g.getValue(), 0L);
        out.put(OTHER, 0L);
        long sum = 0;
        for (Map.Entry<Long, Long> e : after.nanos().entrySet()) {
            long spent = e.getValue() - before.nanos().getOrDefault(e.getKey(), 0L);
            out.merge(after.group().get(e.getKey()), spent, Long::sum);
            sum += spent;
        }
        for (Map.Entry<String, Long> e : exited.entrySet()) {
            out.merge(e.getKey(), e.getValue(), Long::sum);
            sum += e.getValue();
        }
        out.put("JIT, GC, RocksDB and exited threads", Math.max(0, processNanos - sum));
        return out;
    }
}
