package org.cpc.poc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.poc.core.Dispatch.jobTimeoutMillis;

import org.junit.jupiter.api.Test;

/**
 * A job's timeout scales with its multiply-adds and the worker's advertised speed, between a floor and --job-timeout,
 * and doubles with each failed attempt.
 */
class JobTimeoutTest {
    private static final long CAP = 120_000;

    @Test
    void scalesWithTheJobsSizeAndTheWorkersSpeed() {
        // 4096×4096×256 rows = 4.3 G multiply-adds = 8.6 G ops; at 100 GOPS 86 ms, ×4 slack: under the floor.
        assertThat(jobTimeoutMillis(256L * 4096 * 4096, 100, 1, 0, CAP)).isEqualTo(Dispatch.MIN_JOB_TIMEOUT_MS);
        // The same job at 0.5 GOPS (a slow CPU): 17.2 s expected, 68.8 s allowed.
        assertThat(jobTimeoutMillis(256L * 4096 * 4096, 0.5, 1, 0, CAP)).isEqualTo(68_720);
        // Behind three others on the same worker: four times as long, capped by --job-timeout.
        assertThat(jobTimeoutMillis(256L * 4096 * 4096, 0.5, 4, 0, CAP)).isEqualTo(CAP);
        assertThat(jobTimeoutMillis(256L * 4096 * 4096, 2, 4, 0, CAP)).isEqualTo(68_720);
    }

    @Test
    void eachFailedAttemptDoublesTheNextTimeoutUpToTheCap() {
        assertThat(jobTimeoutMillis(1_000, 100, 1, 1, CAP)).isEqualTo(2 * Dispatch.MIN_JOB_TIMEOUT_MS);
        assertThat(jobTimeoutMillis(1_000, 100, 1, 3, CAP)).isEqualTo(8 * Dispatch.MIN_JOB_TIMEOUT_MS);
        assertThat(jobTimeoutMillis(1_000, 100, 1, 4, CAP)).isEqualTo(CAP);
        assertThat(jobTimeoutMillis(256L * 4096 * 4096, 0.5, 1, 1, 1_000_000)).isEqualTo(2 * 68_720);
        assertThat(jobTimeoutMillis(1_000, 100, 1, Integer.MAX_VALUE, CAP)).isEqualTo(CAP);
    }

    @Test
    void aWorkerThatAdvertisedNoSpeedGetsTheCapAndTheCapWinsOverTheFloor() {
        assertThat(jobTimeoutMillis(1_000_000, 0, 1, 0, CAP)).isEqualTo(CAP);
        assertThat(jobTimeoutMillis(1_000_000, Double.NaN, 1, 0, CAP)).isEqualTo(CAP);
        assertThat(jobTimeoutMillis(1_000_000, Double.POSITIVE_INFINITY, 1, 0, CAP)).isEqualTo(CAP);
        assertThat(jobTimeoutMillis(1_000_000, 50, 1, 0, 2_000)).isEqualTo(2_000);
        assertThat(jobTimeoutMillis(Long.MAX_VALUE / 4, 1e-9, 1_000, 0, CAP)).isEqualTo(CAP);
    }
}
