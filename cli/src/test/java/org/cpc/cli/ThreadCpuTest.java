package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-thread CPU split that {@code cpc bench tps} prints. */
class ThreadCpuTest {
    @Test
    void threadsAreGroupedByTheirNames() {
        assertThat(ThreadCpu.groupOf("rest-17")).startsWith("node HTTP");
        assertThat(ThreadCpu.groupOf("consensus")).startsWith("block path");
        assertThat(ThreadCpu.groupOf("ForkJoinPool.commonPool-worker-1")).startsWith("signature checks");
        assertThat(ThreadCpu.groupOf("HttpClient-3-Worker-0")).isEqualTo(ThreadCpu.LOAD_GENERATOR);
        assertThat(ThreadCpu.groupOf("bench-client-2")).isEqualTo(ThreadCpu.LOAD_GENERATOR);
        assertThat(ThreadCpu.groupOf("p2p-timer")).isEqualTo("other Java threads");
    }

    @Test
    void whatGroupsSpentAddsUpToTheProcessWithTheRestUnnamed() {
        ThreadCpu.Sample before = new ThreadCpu.Sample(Map.of(1L, 100L, 2L, 50L),
                Map.of(1L, ThreadCpu.groupOf("consensus"), 2L, ThreadCpu.groupOf("rest-1")));
        ThreadCpu.Sample after = new ThreadCpu.Sample(Map.of(1L, 400L, 2L, 250L, 3L, 70L),
                Map.of(1L, ThreadCpu.groupOf("consensus"), 2L, ThreadCpu.groupOf("rest-1"), 3L, ThreadCpu.groupOf("rest-2")));
        Map<String, Long> spent = ThreadCpu.between(before, after, 1_000, Map.of(ThreadCpu.LOAD_GENERATOR, 30L));
        assertThat(spent.get(ThreadCpu.groupOf("consensus"))).isEqualTo(300);
        assertThat(spent.get(ThreadCpu.groupOf("rest-1"))).isEqualTo(270); // a thread born in between counts whole
        assertThat(spent.get(ThreadCpu.LOAD_GENERATOR)).isEqualTo(30);
        assertThat(spent.get("JIT, GC, RocksDB and exited threads")).isEqualTo(1_000 - 300 - 270 - 30);
        assertThat(spent.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000);
    }
}
