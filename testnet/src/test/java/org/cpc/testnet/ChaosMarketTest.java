package org.cpc.testnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code market} chaos scenario ({@code cpc testnet chaos --scenario market}): four validator processes, a PoC
 * validator process talking to node0 through a fault proxy and two pool worker processes, a customer creating matmul
 * tasks through the Task Market's REST API; the PoC validator is cut off from its node, its node is killed and
 * restarted, and the PoC validator is killed with SIGKILL and restarted. Every checker, the market's included, must
 * pass; waits are conditions bounded by the consensus timeouts and the tasks' deadlines.
 */
class ChaosMarketTest {
    @TempDir
    Path tmp;

    @Test
    // As ChaosCiTest: a wait that runs to its bound should fail as a violation in the report, not as a timeout here;
    // the settle wait may run to a task's deadline (90 s) plus a recovery.
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void marketScenarioHasNoViolation() throws InterruptedException {
        Report r = ChaosRun.run(new ChaosRun.Options(Scenario.MARKET, 4, 500, Duration.ofSeconds(15), 2, 3,
                tmp.resolve("net")), System.out);
        String text = r.render();
        System.out.println(text);
        assertThat(r.ok()).as(text).isTrue();
        assertThat(r.faults()).as(text).hasSize(3)
                .allSatisfy(f -> assertThat(f.afterHealMs()).as(text).isNotNull().isNotNegative());
        assertThat(r.market()).as(text).isNotNull();
        assertThat(r.market().byL1Status().getOrDefault("completed", 0)).as("tasks completed on L1\n" + text).isPositive();
        assertThat(r.market().jobsPaid()).as(text).isPositive();
        assertThat(r.verdicts()).extracting(Checkers.Verdict::name)
                .contains("market-tasks-ended", "market-jobs-paid-once", "market-escrow");
    }
}
