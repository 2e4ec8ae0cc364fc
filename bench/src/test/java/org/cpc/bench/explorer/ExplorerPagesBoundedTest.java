package org.cpc.bench.explorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.node.NodeRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explorer stays fast on a long chain because every API call behind its pages is paged or bounded: loaded in
 * a real browser on a chain three times as long, each page makes the same calls and none of them answers more
 * bytes (within a margin for longer numbers). A call that walks the chain or lists everything fails here long
 * before a 100,000-block devnet would show it. Times are measured by {@link ExplorerLoadBench}, not here. Both
 * chains are longer than every page size (200 blocks on the overview, 25 transactions and tasks per page).
 */
class ExplorerPagesBoundedTest {
    private static final int SHORT = 250;
    private static final int LONG = 3 * SHORT;
    /** A task every this many blocks: 50 tasks on the short chain, more than a page of 25. */
    private static final int TASK_EVERY = 5;

    @TempDir
    Path dir;

    @Test
    void noApiCallBehindAPageGrowsWithTheChain() throws Exception {
        assumeTrue(ExplorerPages.available(), "skipped: the explorer's browser tests need " + ExplorerPages.CHROMIUM
                + " and " + ExplorerPages.CHROMEDRIVER + " (Debian: apt-get install -y chromium chromium-driver)");
        Map<String, List<ExplorerPages.ApiCall>> small = calls(dir.resolve("short"), SHORT);
        Map<String, List<ExplorerPages.ApiCall>> large = calls(dir.resolve("long"), LONG);
        assertThat(large.keySet()).containsExactlyElementsOf(small.keySet());
        for (String page : small.keySet()) {
            List<ExplorerPages.ApiCall> a = small.get(page);
            List<ExplorerPages.ApiCall> b = large.get(page);
            assertThat(b).as(page + ": the API calls on a chain of " + LONG + " blocks").hasSameSizeAs(a);
            assertThat(a).as(page + " makes API calls").isNotEmpty();
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i).bytes()).as(page + ": " + b.get(i).path() + " on " + LONG + " blocks, against "
                        + a.get(i).path() + " on " + SHORT).isLessThanOrEqualTo(a.get(i).bytes() * 11 / 10 + 256);
            }
        }
    }

    /** Each page's API calls in the order made (sorted by path, as parallel calls finish in any order). */
    private static Map<String, List<ExplorerPages.ApiCall>> calls(Path root, int blocks) {
        ChainFiller.Filled chain = ChainFiller.fill(root, blocks, TASK_EVERY, null);
        assertThat(chain.taskIds()).hasSizeGreaterThan(25);
        Map<String, List<ExplorerPages.ApiCall>> out = new LinkedHashMap<>();
        try (NodeRunner node = NodeRunner.start(chain.dir(), 0, InstantSource.system(), () -> null);
             ExplorerPages browser = ExplorerPages.open("http://127.0.0.1:" + node.port(), 1280, 1000)) {
            for (var p : ExplorerLoadBench.pages(chain).entrySet()) {
                out.put(p.getKey(), browser.load(p.getValue()).calls().stream()
                        .sorted(java.util.Comparator.comparing(ExplorerPages.ApiCall::path)).toList());
            }
        }
        return out;
    }
}
