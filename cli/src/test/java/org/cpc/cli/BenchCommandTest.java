package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The chain benchmarks of {@code cpc bench} run small and print their tables; bad options are usage errors. */
class BenchCommandTest {
    @Test
    void stagesPrintsTheCpcOfEveryStage() {
        Run r = Run.cpc("bench", "stages", "--txs", "300");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("node: signature (secp256k1 verify)", "node: commit", "| node total (parse to commit) |");
    }

    @Test
    void pruningComparesAnArchiveStoreWithAPrunedOne() {
        Run r = Run.cpc("bench", "pruning", "--blocks", "300", "--txs-per-block", "3", "--keep", "128");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| archive |", "| pruning 128 |");
    }

    @Test
    void statesyncJoinsASmallChainAndComparesItWithReplaying() {
        Run r = Run.cpc("bench", "statesync", "--blocks", "60", "--accounts", "2000");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| chain | 60 blocks, 2,000 accounts", "| state sync join | restored in",
                "| block sync from genesis |", "| ratio |");
    }

    @Test
    void refusesOptionsOutOfRange() {
        assertThat(Run.cpc("bench", "statesync", "--blocks", "5").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "stages", "--txs", "0").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "pruning", "--keep", "5").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "tps", "--batch", "1001").exit()).isEqualTo(Cpc.EXIT_USAGE);
    }
}
