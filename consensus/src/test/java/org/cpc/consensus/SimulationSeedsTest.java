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
 * -Dcpc.sim.seed=SEED -Dcpc.sim.heights=H} (the failure message prints the exact line). More seeds:
 * {@code -Dcpc.sim.seeds=100000}; seeds start at {@code -Dcpc.sim.firstSeed}.
 */
class SimulationSeedsTest {
    static final int SEEDS = Integer.getInteger("cpc.sim.seeds", 6000);
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
        runSeeds(2_000_000 + FIRST, Math.max(1, SEEDS / 3), 8, SimConfig::lockAttack);
    }

    static void runSeeds(long first, int count, long heights) {
        runSeeds(first, count, heights, SimConfig::random);
    }

    static void runSeeds(long first, int count, long heights, java.util.function.BiFunction<Long, Long, SimConfig> make) {
        AtomicLong events = new AtomicLong();
        long t0 = System.nanoTime();
        List<Long> failed = new ArrayList<>();
        List<AssertionError> errors = new ArrayList<>();
        LongStream.range(first, first + count).parallel().forEach(seed -> {
            try {
                Simulation.Result r = new Simulation(make.apply(seed, heights)).run();
                events.addAndGet(r.events());
            } catch (AssertionError e) {
                synchronized (failed) {
                    failed.add(seed);
                    errors.add(e);
                }
            }
        });
        System.out.printf("simulation: seeds [%d, %d), %d heights each, %d events, %.1f s%n", first, first + count,
                heights, events.get(), (System.nanoTime() - t0) / 1e9);
        if (!errors.isEmpty()) {
            failed.sort(null);
            throw new AssertionError(failed.size() + " seeds failed: " + failed.subList(0, Math.min(20, failed.size()))
                    + "\nfirst failure:\n" + errors.getFirst().getMessage(), errors.getFirst());
        }
    }

    /** Reruns one seed, e.g. {@code -Dcpc.sim.seed=1234}; skipped when the property is absent. */
    @Test
    void rerunSeed() {
        String s = System.getProperty("cpc.sim.seed");
        org.junit.jupiter.api.Assumptions.assumeTrue(s != null, "set -Dcpc.sim.seed to rerun one seed");
        long seed = Long.parseLong(s);
        long heights = Long.getLong("cpc.sim.heights", HEIGHTS);
        SimConfig c = seed >= 2_000_000 && seed < 3_000_000 ? SimConfig.lockAttack(seed, heights) : SimConfig.random(seed, heights);
        System.out.println(c);
        Simulation.Result r = new Simulation(c).run();
        System.out.println(r);
        assertThat(r.heights()).isNotEmpty();
    }
}
