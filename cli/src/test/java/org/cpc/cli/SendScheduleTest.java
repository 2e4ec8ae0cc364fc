package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The open-loop schedule of {@code cpc bench tps --rate} and the option's parsing. */
class SendScheduleTest {
    @Test
    void clientsShareOneFixedScheduleAtTheRate() {
        long start = 1_000_000_000L, end = start + 1_000_000_000L; // one second at 10 tx/s: 10 slots
        List<Long> all = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            SendSchedule s = SendSchedule.of(start, end, 10, c, 3);
            for (long due; (due = s.peek()) >= 0; s.advance()) all.add(due);
        }
        all.sort(null);
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) expected.add(start + i * 100_000_000L);
        assertThat(all).isEqualTo(expected);
    }

    @Test
    void aLateClientKeepsTheDueTimesItMissed() {
        long start = System.nanoTime() - 5_000_000_000L; // five seconds behind already
        SendSchedule s = SendSchedule.of(start, start + 10_000_000_000L, 2, 0, 1);
        // Nothing is skipped and nothing waits: the due times stay those of the schedule, so latency counts the lag.
        assertThat(s.awaitNext()).isEqualTo(start);
        assertThat(s.awaitNext()).isEqualTo(start + 500_000_000L);
        assertThat(s.awaitNext()).isEqualTo(start + 1_000_000_000L);
    }

    @Test
    void anEarlyClientWaitsForTheDueTime() {
        long start = System.nanoTime() + 20_000_000L;
        SendSchedule s = SendSchedule.of(start, start + 1_000_000_000L, 1000, 0, 1);
        long due = s.awaitNext();
        assertThat(due).isEqualTo(start);
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(due);
    }

    @Test
    void unpacedIsDueNowUntilTheEnd() {
        long now = System.nanoTime();
        SendSchedule s = SendSchedule.of(now, now + 60_000_000_000L, 0, 0, 1);
        assertThat(s.paced()).isFalse();
        assertThat(s.awaitNext()).isGreaterThanOrEqualTo(now);
        assertThat(SendSchedule.of(now, now - 1, 0, 0, 1).peek()).isEqualTo(-1);
        assertThatThrownBy(() -> SendSchedule.of(now, now, 10, 3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rateIsTxPerSecondOrAPercentageOfCapacity() {
        assertThat(OfferedRate.parse("800")).isEqualTo(new OfferedRate(800, 0));
        OfferedRate p = OfferedRate.parse("80%");
        assertThat(p.relative()).isTrue();
        assertThat(p.of(1000.0)).isEqualTo(800);
        assertThat(p.of(0.4)).isEqualTo(1);
        for (String bad : List.of("0", "-5", "0%", "101%", "abc", "80 tx/s", "1000001", "%")) {
            assertThatThrownBy(() -> OfferedRate.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--rate");
        }
    }
}
