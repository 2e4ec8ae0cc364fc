package org.cpc.poc.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link PocSimulation} over many seeds (CI: {@value #CI_SEEDS}; more with {@code -Dpoc.sim.seeds=N}, one
 * with {@code -Dpoc.sim.seed=S}). A failure names its seed, and the same seed fails the same way again.
 */
class PocSimulationTest {
    static final int CI_SEEDS = 1000;

    @Test
    void invariantsHoldOnEverySeed() {
        String one = System.getProperty("poc.sim.seed");
        long first = one == null ? 1 : Long.parseLong(one);
        int seeds = one != null ? 1 : Integer.getInteger("poc.sim.seeds", CI_SEEDS);
        for (long seed = first; seed < first + seeds; seed++) {
            List<String> broken = new PocSimulation(seed, PocSimulation.Config.standard()).run();
            assertThat(broken).as("seed %d broke (rerun: ./test -pl poc -Dtest=PocSimulationTest -Dpoc.sim.seed=%d)",
                    seed, seed).isEmpty();
        }
    }

    @Test
    void aSeedRunsTheSameWayTwice() {
        PocSimulation.Config c = new PocSimulation.Config(3, 5, 4, 600, 0.01, 0.5);
        assertThat(new PocSimulation(77, c).trace()).isEqualTo(new PocSimulation(77, c).trace());
    }
}
