package org.cpc.testnet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The named fault schedules {@code cpc testnet chaos --scenario NAME} runs: each a list of faults applied one after
 * the other to one network, each held for its share of the run's duration, then healed and recovered from before
 * the next. {@link #CI} is the small subset CI runs; {@link #ALL} is the full matrix.
 */
public enum Scenario {
    /** 2+2 (half against half): no side holds a quorum, so the chain must halt, then resume. */
    PARTITION_HALVES("partition-halves", n -> List.of(new Fault.Partition(Fault.split(n, n / 2)))),
    /** 1+3: the last node alone; the others must go on, and it must catch up. */
    PARTITION_ONE("partition-one", n -> List.of(new Fault.Partition(Fault.split(n, n - 1)))),
    /** Partitions that change every 1.5 s (halves, another halving, one alone), with healed gaps between. */
    FLAPPING("flapping", n -> List.of(new Fault.Flapping(List.of(Fault.split(n, n / 2),
            List.of(evens(n), odds(n)), Fault.split(n, 1)), 1_500))),
    /** Node 0 hears everyone but nobody hears it. */
    ONE_WAY("one-way", n -> List.of(new Fault.Mute(0))),
    /** kill -9 of the last node, restarted on heal. */
    KILL("kill", n -> List.of(new Fault.Kill(n - 1))),
    /** SIGSTOP of the last node, SIGCONT on heal. */
    PAUSE("pause", n -> List.of(new Fault.Pause(n - 1))),
    /** The last node's links: 150 ms + up to 100 ms of jitter, 128 KiB/s, both ways. */
    SLOW("slow", n -> List.of(new Fault.Slow(Set.of(n - 1), new FaultProxy.Shape(150, 100, 128 * 1024)))),
    /** Every connection of every link closed every 2 s. */
    RESETS("resets", n -> List.of(new Fault.Resets(2_000))),
    /**
     * The last node's clock skewed: a third of {@code max_future_block_ms} ahead, then behind (within the bound:
     * nothing changes), then twice the bound behind (it refuses every block and falls behind until its clock is
     * right again) and twice ahead (its proposals are refused).
     */
    SKEW("skew", n -> {
        long bound = Testnet.params(500).maxFutureBlockMs();
        return List.of(new Fault.Skew(n - 1, bound / 3, bound), new Fault.Skew(n - 1, -bound / 3, bound),
                new Fault.Skew(n - 1, -2 * bound, bound), new Fault.Skew(n - 1, 2 * bound, bound));
    }),
    /**
     * The Task Market under faults (a PoC validator and two pool workers as processes, a customer creating matmul
     * tasks): the PoC validator cut off from its node, its node (node0) partitioned from the other validators, then
     * killed and restarted, then the PoC validator itself killed with SIGKILL mid-task and restarted. Every task must
     * end on L1, no job be paid twice, and the escrow be conserved to the wei ({@link MarketCheckers}).
     */
    MARKET("market", n -> List.of(new Fault.PocCut(), new Fault.Partition(Fault.split(n, 1)), new Fault.Kill(0),
            new Fault.PocKill())),
    /** What CI runs: one partition, one kill, one slow link. */
    CI("ci", n -> concat(n, PARTITION_HALVES, KILL, SLOW)),
    /** The full matrix, one fault after the other on one network. */
    ALL("all", n -> concat(n, PARTITION_HALVES, PARTITION_ONE, FLAPPING, ONE_WAY, KILL, PAUSE, SLOW, RESETS,
            SKEW, MARKET));

    private final String id;
    private final Schedule schedule;

    Scenario(String id, Schedule schedule) {
        this.id = id;
        this.schedule = schedule;
    }

    /** The command-line name. */
    public String id() {
        return id;
    }

    /** The faults for a network of {@code n} validators (4 or more: a 1-of-n fault must leave a quorum). */
    public List<Fault> faults(int n) {
        if (n < 4) throw new IllegalArgumentException("chaos scenarios need at least 4 validators, not " + n);
        return schedule.faults(n);
    }

    /** True when a fault needs the Task Market: the run then starts one and puts a market load on it. */
    public boolean market() {
        return faults(4).stream().anyMatch(Fault::needsMarket);
    }

    public static Scenario byId(String id) {
        for (Scenario s : values()) if (s.id.equals(id.toLowerCase(Locale.ROOT))) return s;
        throw new IllegalArgumentException("no scenario '" + id + "'; known: " + ids());
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Scenario::id).toList();
    }

    @FunctionalInterface
    private interface Schedule {
        List<Fault> faults(int n);
    }

    private static List<Fault> concat(int n, Scenario... parts) {
        List<Fault> all = new ArrayList<>();
        for (Scenario s : parts) all.addAll(s.faults(n));
        return all;
    }

    private static Set<Integer> evens(int n) {
        return new java.util.TreeSet<>(java.util.stream.IntStream.range(0, n).filter(i -> i % 2 == 0).boxed().toList());
    }

    private static Set<Integer> odds(int n) {
        return new java.util.TreeSet<>(java.util.stream.IntStream.range(0, n).filter(i -> i % 2 == 1).boxed().toList());
    }
}
