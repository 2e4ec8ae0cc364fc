package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;
import org.cpc.consensus.sim.SimConfig;
import org.cpc.consensus.sim.Simulation;
import org.junit.jupiter.api.Test;

/** A handful of simulated runs with real ML-DSA-65 keys, signatures and verification (about 0.2 ms each). */
class MlDsaSimulationTest {
    @Test
    void randomSeedsWithRealSignatures() {
        for (long seed = 0; seed < 4; seed++) {
            Simulation.Result r = new Simulation(SimConfig.random(seed, 3).withRealCrypto(true)).run();
            assertThat(r.heights()).anyMatch(h -> h >= 3);
        }
    }

    @Test
    void equivocatorWithRealSignaturesLeavesVerifiableEvidence() {
        Map<Integer, EnumSet<SimConfig.Behaviour>> byz = new TreeMap<>();
        byz.put(0, EnumSet.of(SimConfig.Behaviour.EQUIVOCATE));
        Simulation sim = new Simulation(SimConfig.calm(11, 4, 12).withNetwork(20, 120, 0, 0, 0).withByzantine(byz)
                .withRealCrypto(true));
        sim.run();
        assertThat(sim.evidence()).isNotEmpty();
        for (DuplicateVoteEvidence e : sim.evidence()) {
            assertThat(e.verify(Simulation.CHAIN_ID, sim.validatorSet(), MlDsaSignatures.VERIFIER)).isTrue();
        }
    }
}
