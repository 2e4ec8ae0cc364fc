package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.cli.Run.cpc;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code cpc devnet}'s worker flags: --workers counts pool (Task Market) workers, --solo-workers the solo ones. */
class DevnetCommandTest {
    @Test
    void workersArePoolWorkersAndSoloWorkersHaveTheirOwnFlag() {
        DevnetCommand d = new DevnetCommand();
        new CommandLine(d).parseArgs();
        assertThat(d.workers).isEqualTo(2);
        assertThat(d.soloWorkers).isEqualTo(1);
        assertThat(d.pocPort).isEqualTo(8080);
        d = new DevnetCommand();
        new CommandLine(d).parseArgs("--workers", "5", "--solo-workers", "0", "--poc-port", "9090");
        assertThat(d.workers).isEqualTo(5);
        assertThat(d.soloWorkers).isZero();
        assertThat(d.pocPort).isEqualTo(9090);
    }

    @Test
    void badCountsAreUsageErrorsBeforeAnythingStarts() {
        Run r = cpc("devnet", "--workers", "-1");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--workers must be 0 or more");
        r = cpc("devnet", "--solo-workers", "-2");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--solo-workers must be 0 or more");
        r = cpc("devnet", "--workers", "3", "--poc-port", "-1");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--poc-port -1");
        r = cpc("devnet", "--pool-workers", "2");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("--pool-workers");
    }

    @Test
    void helpDescribesBothKindsOfWorkers() {
        Run r = cpc("devnet", "--help");
        assertThat(r.out()).contains("--workers=N", "Pool workers running Task Market jobs", "--solo-workers=N",
                "Solo workers");
    }
}
