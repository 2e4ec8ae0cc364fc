package org.cpc.bench.poc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code cpc bench dispatch} in both modes, small: it measures after its warm-up and reports what it says it does.
 * The measured jobs must outnumber what one group commit can sync at once, or all of them may count in one step.
 */
class DispatchBenchmarkTest {
    @Test
    void measuresWithClientsInProcessAndInAChildJvm() throws Exception {
        for (boolean separate : new boolean[] {false, true}) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            double rate = DispatchBenchmark.run(new PrintStream(buf, true, StandardCharsets.UTF_8), 3000, 200, 2,
                    separate, null);
            String out = buf.toString(StandardCharsets.UTF_8);
            assertThat(rate).as(out).isPositive();
            assertThat(out).contains("to warm up", "CPU per job", "synced RocksDB writes");
            assertThat(out).contains(separate ? "clients in a child JVM" : "clients in this process");
            if (separate) assertThat(out).contains("whole validator process", "client JVM");
        }
    }
}
