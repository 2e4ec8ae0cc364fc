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
    void auditTimesAFullRecomputationAgainstTheSpotCheck() {
        Run r = Run.cpc("bench", "audit", "--n", "64");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("n=64: a full audit is", "pure Java Vector API", "full audit", "spot check", "per block: 2 random audits");
        assertThat(Run.cpc("bench", "audit", "--n", "8").exit()).isEqualTo(Cpc.EXIT_USAGE);
    }

    @Test
    void pruningComparesAnArchiveStoreWithAPrunedOne() {
        Run r = Run.cpc("bench", "pruning", "--blocks", "300", "--txs-per-block", "3", "--keep", "128");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| archive |", "| pruning 128 |");
    }

    @Test
    void delegatorsMeasuresTheSameBlocksOnChainsOfEachSize() {
        Run r = Run.cpc("bench", "delegators", "--counts", "2,40", "--blocks", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| chain | median CPU per block | ratio to the first | ratio to its control |",
                "| 2 delegators |", "| 40 delegators |", "| control: 2 delegators + 114 new accounts |");
    }

    @Test
    void fraudTakesProofsThroughTheTransactionPathBesideTransfers() {
        Run r = Run.cpc("bench", "fraud", "--proofs", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 FRAUD_PROOFs of k=16384", "| admission (rules, signature, proof) |",
                "| whole path |", "FraudProofVerifier.verify alone");
    }

    @Test
    void tracesOfAnInferenceModelCommitAndProveEveryLayer() {
        java.nio.file.Path onnx = java.nio.file.Path.of(System.getProperty("cpc.root.dir", ".."),
                "compute/src/test/resources/onnx");
        Run r = Run.cpc("bench", "traces", "--model", onnx.resolve("cnn_qdq.onnx").toString(), "--input",
                onnx.resolve("cnn_qdq.input.bin").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("cnn_qdq.onnx, one job of 3 samples", "trace root", "fraud proof, layer 0 (Conv,"
                + " accumulator", "fraud proof, layer 1 (MaxPool, output");
        assertThat(Run.cpc("bench", "traces", "--model", "m.onnx").exit()).isEqualTo(Cpc.EXIT_USAGE);
    }

    @Test
    void statesyncJoinsASmallChainAndComparesItWithReplaying() {
        Run r = Run.cpc("bench", "statesync", "--blocks", "60", "--accounts", "2000", "--peers", "1,2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| chain | 60 blocks, 2,000 accounts", "| state sync join | restored in",
                "| block sync from genesis, 1 peer(s) | started in", "| block sync from genesis, 2 peer(s) |",
                "| block sync, 2 peers against 1 |", "| ratio |");
    }

    @Test
    void tpsMeasuresCapacityThenLatencyAtAShareOfIt() {
        Run r = Run.cpc("bench", "tps", "--validators", "1", "--block-time-ms", "300", "--duration", "2",
                "--clients", "2", "--accounts", "4", "--rate", "50%");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("as fast as accepted", "now offering 50% of it", "(open loop)",
                "on a fixed schedule", "| validators | offered tx/s |", "| 1 | saturated |");
    }

    @Test
    void tpsSendsTransfersSignedBeforeTheClockStarts() {
        Run r = Run.cpc("bench", "tps", "--validators", "1", "--block-time-ms", "300", "--duration", "2",
                "--clients", "2", "--accounts", "4", "--batch", "2", "--presign", "--warmup", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        // 20,000 tx/s for 1 s of warm-up, then for 2 s, over 4 senders.
        assertThat(r.out()).contains("warming up for 1 s (not counted)", "signed 20000 transfers ahead",
                "-- end of warm-up", "signed 40000 transfers ahead", "CPU by thread, µs per committed tx:",
                "block path (consensus thread)", "load generator", "JIT, GC, RocksDB and exited threads");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("committed: (\\d+) tx").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isPositive();
    }

    @Test
    void refusesOptionsOutOfRange() {
        assertThat(Run.cpc("bench", "statesync", "--blocks", "5").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "statesync", "--peers", "0").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "stages", "--txs", "0").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "pruning", "--keep", "5").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "tps", "--batch", "1001").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "tps", "--rate", "0").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "tps", "--rate", "120%").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "delegators", "--counts", "0").exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(Run.cpc("bench", "fraud", "--proofs", "0").exit()).isEqualTo(Cpc.EXIT_USAGE);
    }
}
