package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.stream.LongStream;
import org.cpc.consensus.sim.SimConfig;
import org.cpc.consensus.sim.Simulation;
import org.junit.jupiter.api.Test;

/**
 * The simulation with the validator set changing under it: every few heights validators leave, come back and change
 * power (as staking, jailing and unbonding make them do), each height's set carrying its proposer priorities from
 * the one before. The Byzantine nodes of each seed keep below 1/3 of every height's power; everything else is the
 * random family's faults (loss, reordering, partitions). Safety at every commit (certificates checked against the
 * set of their height) and liveness at the end, as in {@link SimulationSeedsTest}. Rerun one seed with
 * {@code -Dtest=SetChangeSimulationTest -Dcpc.sim.setSeeds=1 -Dcpc.sim.firstSeed=SEED}.
 */
class SetChangeSimulationTest {
    static final int SEEDS = Integer.getInteger("cpc.sim.setSeeds", 300);
    static final long FIRST = Long.getLong("cpc.sim.firstSeed", 0);

    /** Each node's power at each height: a new draw every 3 heights, within the Byzantine bound. */
    static LongFunction<long[]> changes(SimConfig c, long seed) {
        int n = c.powers().size();
        return h -> {
            long epoch = h / 3;
            long[] base = c.powers().stream().mapToLong(Long::longValue).toArray();
            if (epoch == 0) return base;
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + epoch);
            long[] p = base.clone();
            for (int i = 0; i < n; i++) {
                if (c.isByzantine(i)) continue; // they only ever lose weight relative to the others
                int draw = rnd.nextInt(6);
                if (draw == 0) p[i] = 0; // leaves (unbonded, jailed)
                else if (draw == 1) p[i] = base[i] * (2 + rnd.nextInt(3)); // bonded more
            }
            long total = 0, byzantine = 0;
            for (int i = 0; i < n; i++) {
                total += p[i];
                if (c.isByzantine(i)) byzantine += p[i];
            }
            return 3 * byzantine < total && total > byzantine ? p : base;
        };
    }

    @Test
    void safetyAndLivenessHoldWhileTheSetChanges() {
        TreeMap<Long, AssertionError> errors = new TreeMap<>();
        java.util.concurrent.atomic.AtomicInteger changed = new java.util.concurrent.atomic.AtomicInteger();
        LongStream.range(FIRST, FIRST + SEEDS).parallel().forEach(seed -> {
            SimConfig c = SimConfig.random(3_000_000 + seed, 24);
            try {
                Simulation sim = new Simulation(c, changes(c, seed));
                sim.run(); // fails on a safety or liveness violation of the honest nodes
                // The runs do change the set: more than one distinct set among the heights decided.
                java.util.Set<String> hashes = new java.util.HashSet<>();
                for (long h = 1; h <= 24; h++) hashes.add(sim.setAt(h).hashHex());
                if (hashes.size() > 1) changed.incrementAndGet();
            } catch (AssertionError e) {
                synchronized (errors) {
                    errors.put(seed, e);
                }
            }
        });
        if (!errors.isEmpty()) {
            List<Long> failed = new ArrayList<>(errors.keySet());
            throw new AssertionError(failed.size() + " seeds failed: " + failed.subList(0, Math.min(20, failed.size()))
                    + "\nsmallest failing seed (rerun with -Dcpc.sim.setSeeds=1 -Dcpc.sim.firstSeed="
                    + errors.firstKey() + "):\n" + errors.firstEntry().getValue().getMessage(), errors.firstEntry().getValue());
        }
        // Some seeds' Byzantine weight leaves no room for change; most runs must change the set.
        assertThat(changed.get()).as("seeds whose set changed").isGreaterThan(SEEDS * 3 / 4);
    }
}
