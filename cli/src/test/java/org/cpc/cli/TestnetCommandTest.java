package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The command lines of {@code cpc testnet chaos} and {@code soak}; the runs themselves are tested in the testnet module. */
class TestnetCommandTest {
    @Test
    void refusesAnUnknownScenarioAndABadDurationAsUsageErrors() {
        Run unknown = Run.cpc("testnet", "chaos", "--scenario", "meteor");
        assertThat(unknown.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(unknown.err()).contains("no scenario 'meteor'").contains("partition-halves").contains("market");
        Run bad = Run.cpc("testnet", "chaos", "--scenario", "ci", "--duration", "soon");
        assertThat(bad.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(bad.err()).contains("--duration 'soon'");
    }

    @Test
    void soakRefusesBadOptionsAsUsageErrors() {
        Run bad = Run.cpc("testnet", "soak", "--duration", "a while");
        assertThat(bad.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(bad.err()).contains("--duration 'a while'");
        Run one = Run.cpc("testnet", "soak", "--duration", "1m", "--nodes", "1");
        assertThat(one.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(one.err()).contains("--nodes must be 2..16");
        Run often = Run.cpc("testnet", "soak", "--interval", "10ms");
        assertThat(often.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(often.err()).contains("--interval must be at least 1s");
        Run both = Run.cpc("testnet", "soak", "--minutes", "60", "--duration", "1h");
        assertThat(both.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(both.err()).contains("give --duration or --minutes, not both");
        Run none = Run.cpc("testnet", "soak", "--minutes", "0");
        assertThat(none.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(none.err()).contains("--minutes must be 1..");
    }

    @Test
    void readsDurations() {
        assertThat(TestnetCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TestnetCommand.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(TestnetCommand.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> TestnetCommand.parseDuration("5 minutes")).isInstanceOf(IllegalArgumentException.class);
    }
}
