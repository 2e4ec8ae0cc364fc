package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.protocol.keys.KeyKind;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpc worker start} run in-process, as a user would, against a real devnet node on loopback. */
class WorkerCommandTest {
    private static final String PASSWORD = "worker test password";

    @TempDir
    static Path dir;
    static LiveNode node;

    @BeforeAll
    static void start() throws Exception {
        node = LiveNode.start(dir, NetworkParams.devnet().withSynthetic(32, 4).withBlockTime(200), PASSWORD);
        new Keyring(node.keys()).create("miner", KeyKind.SECP256K1, PASSWORD.toCharArray());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Run worker(String... args) {
        List<String> all = new ArrayList<>(List.of("worker", "start"));
        all.addAll(Arrays.asList(args));
        all.addAll(List.of("--node", node.url(), "--keys-dir", node.keys().toString(),
                "--password-file", node.passwordFile().toString()));
        return Run.cpc(all.toArray(String[]::new));
    }

    @Test
    void minesUntilAResultIsAcceptedAndExitsCleanly() {
        Run r = worker("--key", "miner", "--backend", "cpu", "--threads", "1", "--stop-after", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("compute backend cpu: ")
                .contains("n=32, 4 spot checks")
                .contains("result sent")
                .contains("accepted, +")
                .contains("stopped: ")
                .doesNotContain("\r");
    }

    @Test
    void metricsPortZeroServesOnAFreePortAndSaysWhich() {
        Run r = worker("--key", "miner", "--backend", "cpu", "--threads", "1", "--stop-after", "1", "--metrics-port", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("metrics on http://127\\.0\\.0\\.1:[1-9][0-9]*/metrics");
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageError() {
        Run r = worker("--key", "miner", "--backend", "cpu", "--metrics-port", "70000");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("metrics port 70000 must be 0..65535");
    }

    @Test
    void unknownBackendIsAUsageError() {
        Run r = worker("--key", "miner", "--backend", "tpu");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("unknown compute backend 'tpu'");
    }

    @Test
    void cudaWhereThereIsNoneSaysWhy() {
        Run r = worker("--key", "miner", "--backend", "cuda", "--stop-after", "1");
        if (r.exit() == 0) return; // a machine with a usable GPU and a build with the CUDA backend
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(r.err()).containsIgnoringCase("cuda");
    }

    @Test
    void unknownKeyIsAKeyError() {
        Run r = worker("--key", "nobody");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_KEY);
    }
}
