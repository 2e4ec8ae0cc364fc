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
 * {@code ./mvnw -pl consensus test -Dtest=SimulationSeedsTest#rerunSeed -Dcpc.sim.seed=SEED}.
 */
class SimulationSeedsTest {
    static final int SEEDS = Integer.getInteger("cpc.sim.seeds", 2000);
    static final long HEIGHTS = Long.getLong("cpc.sim.heights", 8);

    @Test
    void randomSeeds() {
        AtomicLong events = new AtomicLong();
        long t0 = System.nanoTime();
        List<Long> failed = new ArrayList<>();
        List<AssertionError> errors = new ArrayList<>();
        LongStream.range(0, SEEDS).parallel().forEach(seed -> {
            try {
                Simulation.Result r = new Simulation(SimConfig.random(seed, HEIGHTS)).run();
                events.addAndGet(r.events());
            } catch (AssertionError e) {
                synchronized (failed) {
                    failed.add(seed);
                    errors.add(e);
                }
            }
        });
        System.out.printf("simulation: %d seeds, %d events, %.1f s%n", SEEDS, events.get(), (System.nanoTime() - t0) / 1e9);
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
        SimConfig c = SimConfig.random(seed, Long.getLong("cpc.sim.heights", HEIGHTS));
        System.out.println(c);
        Simulation.Result r = new Simulation(c).run();
        System.out.println(r);
        assertThat(r.heights()).isNotEmpty();
    }
}
