package org.cpc.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cpc.consensus.sim.SimConfig;
import org.cpc.consensus.sim.SimConfig.Behaviour;
import org.cpc.consensus.sim.SimConfig.Partition;
import org.cpc.consensus.sim.Simulation;
import org.junit.jupiter.api.Test;

/** Named fault scenarios in the simulation, each with what it must show. */
class ScenarioTest {
    private static Map<Integer, EnumSet<Behaviour>> byz(int node, Behaviour... bs) {
        Map<Integer, EnumSet<Behaviour>> m = new TreeMap<>();
        m.put(node, EnumSet.copyOf(List.of(bs)));
        return m;
    }

    @Test
    void calmNetworkCommitsEveryHeightInRoundZero() {
        Simulation.Result r = new Simulation(SimConfig.calm(1, 4, 10)).run();
        assertThat(r.heights()).allMatch(h -> h >= 10);
        assertThat(r.commitRounds()).allMatch(round -> round == 0);
        assertThat(r.evidence()).isZero();
    }

    @Test
    void silentProposerLeadsToARoundChange() {
        // Validator 1 proposes (height 1, round 0) and sends nothing at all.
        Simulation sim = new Simulation(SimConfig.calm(2, 4, 6).withByzantine(byz(1, Behaviour.WITHHOLD)));
        Simulation.Result r = sim.run();
        assertThat(r.commitRounds().getFirst()).as("height 1 commits after the silent round 0").isGreaterThanOrEqualTo(1);
        assertThat(r.heights().get(0)).isGreaterThanOrEqualTo(6);
    }

    @Test
    void invalidProposalIsRejectedAndTheNextRoundCommits() {
        Simulation sim = new Simulation(SimConfig.calm(3, 4, 6).withByzantine(byz(1, Behaviour.INVALID_PROPOSAL)));
        Simulation.Result r = sim.run(); // SimApplication refuses to commit an invalid block
        assertThat(r.commitRounds().getFirst()).isGreaterThanOrEqualTo(1);
        assertThat(sim.app(0).committed(1).orElseThrow().block().values()).allMatch(v -> v >= 0);
    }

    @Test
    void partitionTwoTwoHaltsThenHeals() {
        SimConfig c = SimConfig.calm(4, 4, 8).withPartitions(List.of(new Partition(500, 4000, new int[] {0, 0, 1, 1})));
        Simulation sim = new Simulation(c);
        sim.runUntil(1000); // messages in flight at 500 ms have landed by now
        List<Long> during = sim.heights();
        sim.runUntil(3999);
        assertThat(sim.heights()).as("no side holds more than 2/3: nothing commits").isEqualTo(during);
        Simulation.Result r = sim.run();
        assertThat(r.heights()).allMatch(h -> h >= 8);
        assertThat(r.virtualTimeMs()).isGreaterThan(4000);
    }

    @Test
    void minorityPartitionDoesNotStopTheMajorityAndCatchesUpAfterHeal() {
        SimConfig c = SimConfig.calm(5, 4, 12).withPartitions(List.of(new Partition(300, 5000, new int[] {0, 0, 0, 1})));
        Simulation sim = new Simulation(c);
        sim.runUntil(4999);
        List<Long> h = sim.heights();
        assertThat(h.get(0)).as("3 of 4 keep committing").isGreaterThan(h.get(3) + 2);
        Simulation.Result r = sim.run();
        assertThat(r.heights()).allMatch(x -> x >= 12);
    }

    @Test
    void oneOfFourEquivocatingIsRecordedAsEvidenceAndSafetyHolds() {
        // Evidence needs both votes at one node: the conflicting one comes directly, the other is relayed by gossip.
        Simulation sim = new Simulation(SimConfig.calm(6, 4, 30).withNetwork(20, 120, 0, 0, 0)
                .withByzantine(byz(0, Behaviour.EQUIVOCATE)));
        Simulation.Result r = sim.run();
        assertThat(r.heights()).allMatch(h -> h >= 30);
        assertThat(sim.evidence()).isNotEmpty();
        for (DuplicateVoteEvidence e : sim.evidence()) {
            assertThat(e.validatorAddress()).isEqualTo("cpcvalcons1sim0");
            assertThat(e.first().blockHash()).isNotEqualTo(e.second().blockHash());
        }
    }

    @Test
    void oneOfFourSplitBrainWithLossAndReorderingKeepsSafety() {
        for (long seed = 0; seed < 200; seed++) {
            SimConfig c = SimConfig.calm(seed, 4, 6).withNetwork(1, 80, 0.1, 0.1, 0.05)
                    .withByzantine(byz((int) (seed % 4), Behaviour.SPLIT_BRAIN, Behaviour.EQUIVOCATE));
            new Simulation(c).run();
        }
    }

    @Test
    void twoOfFourByzantineCanBreakSafetyAndTheCheckerCatchesIt() {
        // With 1/3 or more of the power Byzantine, Tendermint promises nothing. This shows the safety check is not
        // vacuous: the split-brain attack by validators 0 and 1 (1 proposes height 1) gets two blocks committed.
        Map<Integer, EnumSet<Behaviour>> two = new TreeMap<>();
        two.put(0, EnumSet.of(Behaviour.SPLIT_BRAIN));
        two.put(1, EnumSet.of(Behaviour.SPLIT_BRAIN));
        Simulation sim = new Simulation(SimConfig.calm(7, 4, 3).withByzantine(two));
        assertThatThrownBy(sim::run).isInstanceOf(Simulation.Failure.class).hasMessageContaining("SAFETY")
                .hasMessageContaining("-Dcpc.sim.seed=7");
    }

    @Test
    void weightedValidatorsCommitWithTheHeavyOneSilentBelowOneThird() {
        // powers 1,1,1,2 of 5... the heavy one (2/5 > 1/3) must stay; silence the light validator 0 instead.
        SimConfig base = SimConfig.calm(8, 4, 6);
        SimConfig c = new SimConfig(8, List.of(1L, 1L, 1L, 2L), byz(0, Behaviour.WITHHOLD), base.minDelayMs(),
                base.maxDelayMs(), 0, 0, 0, 0, 0, List.of(), 6, 60_000, base.timeouts(), base.gossipIntervalMs(), false);
        assertThat(new Simulation(c).run().heights().get(3)).isGreaterThanOrEqualTo(6);
    }

    @Test
    void sameSeedSameRun() {
        SimConfig c = SimConfig.random(42, 6);
        assertThat(new Simulation(c).run()).isEqualTo(new Simulation(c).run());
    }
}
