package org.cpc.poc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-committed store: writes land in the order queued, are readable when their future completes, survive a reopen. */
class PocStoreTest {
    @TempDir
    Path tmp;

    @Test
    void queuedWritesAreGroupedKeptInOrderAndOnDiskWhenTheirFutureCompletes() throws Exception {
        int threads = 4;
        int perThread = 500;
        ConcurrentLinkedQueue<String> readableWhenDone = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> missingWhenDone = new ConcurrentLinkedQueue<>();
        try (PocStore store = new PocStore(tmp)) {
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String key = "j/" + id + "/" + i;
                        // The same key twice in a row: the later value must win.
                        store.write(key, Json.object().put("v", -1));
                        futures.add(store.write(key, Json.object().put("v", i)).thenRun(() -> {
                            var v = store.get(key);
                            (v != null ? readableWhenDone : missingWhenDone).add(key);
                        }));
                    }
                    futures.forEach(CompletableFuture::join);
                }));
            }
            for (Thread w : writers) w.join();
            long[] counts = store.commitCounts();
            assertThat(counts[1]).isEqualTo(2L * threads * perThread);
            assertThat(counts[0]).as("synced batches for %d writes", counts[1]).isLessThan(counts[1]);
        }
        assertThat(missingWhenDone).isEmpty();
        assertThat(readableWhenDone).hasSize(threads * perThread);
        try (PocStore again = new PocStore(tmp)) {
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertThat(again.get("j/" + t + "/" + i).path("v").asInt()).isEqualTo(i);
                }
            }
        }
    }

    @Test
    void closeWritesWhatIsStillQueued() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        try (PocStore store = new PocStore(tmp)) {
            for (int i = 0; i < 1000; i++) futures.add(store.write("t/" + i, Json.object().put("i", i)));
        }
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        try (PocStore again = new PocStore(tmp)) {
            int[] n = {0};
            again.scan("t/", (k, v) -> n[0]++);
            assertThat(n[0]).isEqualTo(1000);
        }
    }
}
