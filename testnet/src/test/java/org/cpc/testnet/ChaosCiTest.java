package org.cpc.testnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What CI runs of the chaos testnet: four validator processes behind fault proxies, under transfer load, through
 * the {@code ci} scenario (a 2+2 partition, a {@code kill -9} and restart, a slow link) and the {@code market}
 * scenario (a PoC validator and two pool workers as processes, a customer creating matmul tasks; the PoC validator
 * cut off from its node, its node partitioned from the others and killed, the PoC validator killed -9 mid-task). Every checker must pass over the
 * whole history. The waits inside are conditions with bounds derived from the consensus timeouts (and the tasks'
 * deadlines), so a loaded machine takes longer but does not fail.
 */
class ChaosCiTest {
    @TempDir
    Path tmp;

    @Test
    // Above the suite's default 5 minutes: on a loaded 2-core machine four node JVMs start slowly, and a wait
    // that runs to its (generous) bound should fail as a violation in the report, not as a timeout here.
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void ciScenarioHasNoViolation() throws InterruptedException {
        Report r = run(Scenario.CI, 4);
        assertThat(r.txs().acknowledged()).as("transfers acknowledged as included\n" + r.render()).isPositive();
    }

    @Test
    // As above; the settle wait may in the worst case run to a task's deadline (90 s) plus a recovery.
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void marketScenarioHasNoViolation() throws InterruptedException {
        Report r = run(Scenario.MARKET, 2);
        String text = r.render();
        assertThat(r.market()).as(text).isNotNull();
        assertThat(r.market().byL1Status().getOrDefault("completed", 0)).as("tasks completed on L1\n" + text).isPositive();
        assertThat(r.market().jobsPaid()).as(text).isPositive();
        assertThat(r.verdicts()).extracting(Checkers.Verdict::name)
                .contains("market-tasks-ended", "market-jobs-paid-once", "market-escrow");
    }

    /** Runs {@code s} (15 s of faults, 500 ms blocks) and asserts no violation and a recovery from every fault. */
    private Report run(Scenario s, int accounts) throws InterruptedException {
        Report r = ChaosRun.run(new ChaosRun.Options(s, 4, 500, Duration.ofSeconds(15), accounts, 3,
                tmp.resolve("net")), System.out);
        String text = r.render();
        System.out.println(text);
        assertThat(r.ok()).as(text).isTrue();
        assertThat(r.faults()).as(text).hasSize(s.faults(4).size())
                .allSatisfy(f -> assertThat(f.afterHealMs()).as(text).isNotNull().isNotNegative());
        return r;
    }
}
