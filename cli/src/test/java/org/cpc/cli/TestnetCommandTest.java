package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command line of {@code cpc testnet chaos}; the runs themselves are tested in the testnet module. */
class TestnetCommandTest {
    @Test
    void refusesAnUnknownScenarioAndABadDurationAsUsageErrors() {
        Run unknown = Run.cpc("testnet", "chaos", "--scenario", "meteor");
        assertThat(unknown.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(unknown.err()).contains("no scenario 'meteor'").contains("partition-halves");
        Run bad = Run.cpc("testnet", "chaos", "--scenario", "ci", "--duration", "soon");
        assertThat(bad.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(bad.err()).contains("--duration 'soon'");
    }

    @Test
    void readsDurations() {
        assertThat(TestnetCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TestnetCommand.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(TestnetCommand.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> TestnetCommand.parseDuration("5 minutes")).isInstanceOf(IllegalArgumentException.class);
    }
}
