package org.cpc.bench.explorer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.cpc.node.NodeRunner;

/**
 * How long the explorer's pages take to show their content on a long chain, in a real browser: for each chain
 * length asked for, a devnet chain is filled ({@link ChainFiller}), its node started (it goes on producing live
 * blocks), and each page loaded {@code runs} times in headless chromium ({@link ExplorerPages}). Prints, per page,
 * the median and worst time to content, and the API calls behind it (median time, body bytes). The shortest chain
 * is the peer the longer ones are compared with: a page whose time or bytes grow with the chain shows it as a ratio.
 *
 * <p>Usage: {@code bin/bench-explorer [--blocks 1000,100000] [--runs 5] [--dir DIR]} (docs/performance.md). A
 * {@code DIR/chain-N} filled by an earlier run with the same {@code --dir} is measured again, not filled again.
 * {@code --screenshot URL PNG [WIDTHxHEIGHT]} saves the live overview instead ({@link #screenshot}).
 */
public final class ExplorerLoadBench {
    /** A load this many times the page's median, and over {@link #SLOW_MS}, is shown resource by resource. */
    private static final int SLOW_FACTOR = 3;
    private static final double SLOW_MS = 2_000;

    private ExplorerLoadBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(1_000, 100_000);
        int runs = 5;
        Path dir = null;
        if (args.length > 0 && args[0].equals("--screenshot")) {
            screenshot(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--blocks" -> sizes = Arrays.stream(args[++i].split(",")).map(s -> Integer.parseInt(s.strip())).toList();
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: bin/bench-explorer [--blocks N[,N..]] [--runs R] [--dir DIR]");
            }
        }
        if (runs < 1) throw new IllegalArgumentException("--runs must be at least 1");
        if (dir == null) dir = Files.createTempDirectory("cpc-explorer-bench");
        System.out.printf(Locale.ROOT, "explorer load: chains of %s blocks, %d loads per page, headless %s, %d cores%n",
                sizes, runs, ExplorerPages.CHROMIUM, Runtime.getRuntime().availableProcessors());
        Map<Integer, Map<String, Figures>> all = new LinkedHashMap<>();
        for (int n : sizes) all.put(n, measure(dir.resolve("chain-" + n), n, runs));
        int peer = sizes.getFirst();
        for (int n : sizes.subList(1, sizes.size())) {
            System.out.printf(Locale.ROOT, "%nratio of %,d blocks to %,d blocks (median time to content, API bytes):%n", n, peer);
            for (var e : all.get(n).entrySet()) {
                Figures p = all.get(peer).get(e.getKey());
                System.out.printf(Locale.ROOT, "  %-10s time %.2f×  bytes %.2f×%n", e.getKey(),
                        e.getValue().medianMs() / p.medianMs(), (double) e.getValue().bytes() / p.bytes());
            }
        }
    }

    /**
     * {@code --screenshot URL PNG [WIDTHxHEIGHT]}: the live overview of the explorer at {@code URL}, once its charts
     * are drawn and its first live block has come in, saved as {@code PNG} (bin/explorer-screenshot runs a devnet for it). Chromium's own {@code
     * --screenshot} never returns on this page: it waits for the network to go idle, and the /events stream never
     * does.
     */
    static void screenshot(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException("usage: bin/bench-explorer --screenshot URL PNG [WIDTHxHEIGHT]");
        }
        String[] size = (args.length == 3 ? args[2] : "1280x800").split("x");
        int width = Integer.parseInt(size[0]);
        int height = Integer.parseInt(size[1]);
        try (ExplorerPages browser = ExplorerPages.open(args[0], width, height)) {
            browser.screenshot("", width, height, Path.of(args[1]), "svg.chart", "#live.on");
        }
        System.out.println("saved " + args[1]);
    }

    /** A page's figures over its loads. */
    record Figures(double medianMs, double worstMs, long bytes) {}

    static Map<String, Figures> measure(Path root, int blocks, int runs) throws Exception {
        Optional<ChainFiller.Filled> earlier = ChainFiller.filledAt(root);
        ChainFiller.Filled chain = earlier.orElseGet(() -> ChainFiller.fill(root, blocks, ChainFiller.TASK_EVERY,
                h -> System.out.printf(Locale.ROOT, "  filled %,d blocks%n", h)));
        System.out.printf(Locale.ROOT, "%nchain of %,d blocks %s in %.1f s (%.2f ms per block, RocksDB %s)%n",
                chain.height(), earlier.isPresent() ? "filled by an earlier run" : "filled", chain.seconds(),
                chain.seconds() * 1000 / blocks, root);
        Map<String, String> pages = pages(chain);
        Map<String, Figures> out = new LinkedHashMap<>();
        try (NodeRunner node = NodeRunner.start(chain.dir(), 0, InstantSource.system(), () -> null);
             ExplorerPages browser = ExplorerPages.open("http://127.0.0.1:" + node.port(), 1280, 1000)) {
            browser.load(""); // the first load compiles the modules into chromium's cache; not counted
            System.out.printf(Locale.ROOT, "%-10s %10s %10s  %s%n", "page", "median ms", "worst ms",
                    "API calls (median ms, bytes)");
            for (var p : pages.entrySet()) {
                List<ExplorerPages.Load> loads = new ArrayList<>();
                for (int r = 0; r < runs; r++) loads.add(browser.load(p.getValue()));
                double[] ms = loads.stream().mapToDouble(ExplorerPages.Load::contentMs).sorted().toArray();
                ExplorerPages.Load last = loads.getLast();
                long bytes = last.calls().stream().mapToLong(ExplorerPages.ApiCall::bytes).sum();
                out.put(p.getKey(), new Figures(ms[ms.length / 2], ms[ms.length - 1], bytes));
                System.out.printf(Locale.ROOT, "%-10s %10.0f %10.0f  %s%n", p.getKey(), ms[ms.length / 2],
                        ms[ms.length - 1], calls(loads));
                for (ExplorerPages.Load l : loads) {
                    if (l.contentMs() > SLOW_FACTOR * ms[ms.length / 2] && l.contentMs() > SLOW_MS) {
                        System.out.printf(Locale.ROOT, "  a slow load of %s (%.0f ms), where it waited:%n%s",
                                p.getKey(), l.contentMs(), l.timeline());
                    }
                }
            }
        }
        return out;
    }

    /** The pages measured: the overview, lists, and one of each kind of detail page, deep in the chain. */
    static Map<String, String> pages(ChainFiller.Filled chain) {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("overview", "");
        pages.put("blocks", "blocks");
        pages.put("block", "block/" + chain.height() / 2);
        pages.put("tx", "tx/" + chain.sampleTx());
        pages.put("address", "address/" + chain.busyAddress());
        pages.put("tasks", "tasks");
        if (!chain.taskIds().isEmpty()) pages.put("task", "task/" + chain.taskIds().get(chain.taskIds().size() / 2));
        pages.put("workers", "workers");
        pages.put("validators", "validators");
        return pages;
    }

    /** Each API call of the page with its median time over the loads and its bytes in the last load. */
    private static String calls(List<ExplorerPages.Load> loads) {
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (ExplorerPages.Load l : loads) {
            for (ExplorerPages.ApiCall c : l.calls()) {
                String key = c.path().replaceAll("[0-9a-f]{64}|cpc1[0-9a-z]{38,}|[0-9a-f-]{36}", "…");
                times.computeIfAbsent(key, k -> new ArrayList<>()).add(c.ms());
                bytes.put(key, c.bytes());
            }
        }
        List<String> parts = new ArrayList<>();
        for (var e : times.entrySet()) {
            double[] t = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            parts.add(String.format(Locale.ROOT, "%s %.0f ms %,d B", e.getKey(), t[t.length / 2], bytes.get(e.getKey())));
        }
        return String.join("; ", parts);
    }
}
