package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.cpc.consensus.sim.SimConfig;
import org.cpc.consensus.sim.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Thousands of seeded random runs ({@link SimConfig#random}): 4–7 validators, sometimes weighted, up to two
 * Byzantine ones below 1/3 of the power, loss, duplication, reordering, and partitions that heal. Safety is checked
 * at every commit, liveness at the end. A failure names its seed; rerun it alone with
 * {@code ./mvnw -pl consensus -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SimulationSeedsTest#rerunSeed
 * -Dcpc.sim.seed=SEED -Dcpc.sim.heights=H [-Dcpc.sim.family=lockAttack]} (the failure message prints the exact
 * line and the family). More seeds:
 * {@code -Dcpc.sim.seeds=100000}; seeds start at {@code -Dcpc.sim.firstSeed}.
 */
class SimulationSeedsTest {
    static final int SEEDS = Integer.getInteger("cpc.sim.seeds", 10_000);
    static final long FIRST = Long.getLong("cpc.sim.firstSeed", 0);
    static final long HEIGHTS = Long.getLong("cpc.sim.heights", 8);

    @Test
    void randomSeeds() {
        runSeeds(FIRST, SEEDS, HEIGHTS);
    }

    /** Fewer, longer runs: more heights per seed, so faults meet many different heights and rounds. */
    @Test
    void longRuns() {
        runSeeds(1_000_000 + FIRST, Math.max(1, SEEDS / 20), 40);
    }

    /** Seeds of the lock attack ({@link SimConfig#lockAttack}): the family that catches a broken lock rule. */
    @Test
    void lockAttackSeeds() {
        runSeeds(2_000_000 + FIRST, Math.max(1, SEEDS / 3), 8, "lockAttack");
    }

    static void runSeeds(long first, int count, long heights) {
        runSeeds(first, count, heights, "random");
    }

    /** The seed families: {@code random} ({@link SimConfig#random}) and {@code lockAttack} ({@link SimConfig#lockAttack}). */
    static SimConfig config(String family, long seed, long heights) {
        return switch (family) {
            case "random" -> SimConfig.random(seed, heights);
            case "lockAttack" -> SimConfig.lockAttack(seed, heights);
            default -> throw new IllegalArgumentException("unknown seed family " + family);
        };
    }

    static void runSeeds(long first, int count, long heights, String family) {
        AtomicLong events = new AtomicLong();
        long t0 = System.nanoTime();
        java.util.TreeMap<Long, AssertionError> errors = new java.util.TreeMap<>();
        LongStream.range(first, first + count).parallel().forEach(seed -> {
            try {
                long s0 = System.nanoTime();
                Simulation.Result r = new Simulation(config(family, seed, heights)).run();
                events.addAndGet(r.events());
                long ms = (System.nanoTime() - s0) / 1_000_000;
                if (ms > 1000) System.out.printf("slow seed %d (%s): %d ms, %s%n", seed, family, ms, r);
            } catch (AssertionError e) {
                synchronized (errors) {
                    errors.put(seed, new AssertionError("[seed family " + family + ": rerun with -Dcpc.sim.family=" + family
                            + "] " + e.getMessage(), e));
                }
            }
        });
        System.out.printf("simulation: %s seeds [%d, %d), %d heights each, %d events, %.1f s%n", family, first,
                first + count, heights, events.get(), (System.nanoTime() - t0) / 1e9);
        if (!errors.isEmpty()) {
            List<Long> failed = new ArrayList<>(errors.keySet());
            AssertionError firstError = errors.firstEntry().getValue();
            throw new AssertionError(failed.size() + " seeds failed: " + failed.subList(0, Math.min(20, failed.size()))
                    + "\nsmallest failing seed:\n" + firstError.getMessage(), firstError);
        }
    }

    /** Reruns one seed, e.g. {@code -Dcpc.sim.seed=1234}; skipped when the property is absent. */
    @Test
    void rerunSeed() {
        String s = System.getProperty("cpc.sim.seed");
        org.junit.jupiter.api.Assumptions.assumeTrue(s != null, "set -Dcpc.sim.seed to rerun one seed");
        long seed = Long.parseLong(s);
        long heights = Long.getLong("cpc.sim.heights", HEIGHTS);
        SimConfig c = config(System.getProperty("cpc.sim.family", "random"), seed, heights);
        System.out.println(c);
        Simulation.Result r = new Simulation(c).run();
        System.out.println(r);
        assertThat(r.heights()).isNotEmpty();
    }
}
