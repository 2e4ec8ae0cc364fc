package org.cpc.testnet;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.cpc.node.NodeInit;

/**
 * A soak: a {@link Testnet} of validator processes under steady transfer load for a long time (an hour, say),
 * sampling each node process every interval — resident memory and used heap, open file descriptors, threads, the
 * size of its data dir — and reporting each one's growth per hour. A process whose descriptors or threads grow
 * steadily leaks; memory should level off under its heap ceiling; the data dir grows with the chain and nothing
 * else.
 *
 * <p>The figures come from {@code /proc/<pid>} (Linux) and, for the heap, {@code jcmd <pid> GC.heap_info}.
 */
public final class SoakRun {
    /**
     * @param duration how long the load runs and samples are taken
     * @param interval time between samples
     * @param nodes validators (2..16)
     * @param accounts load accounts, each with one transfer in flight
     */
    public record Options(Duration duration, Duration interval, int nodes, long blockTimeMs, int accounts, Path dir) {
        public Options {
            if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("--duration must be positive");
            if (interval.toMillis() < 1000) throw new IllegalArgumentException("--interval must be at least 1s");
            if (nodes < 2 || nodes > Testnet.MAX_NODES) {
                throw new IllegalArgumentException("--nodes must be 2.." + Testnet.MAX_NODES);
            }
            if (accounts < 1) throw new IllegalArgumentException("--accounts must be at least 1");
            if (blockTimeMs < 50) throw new IllegalArgumentException("--block-time-ms must be at least 50");
        }
    }

    /** One node at one time; -1 where a figure could not be read. */
    public record Sample(long atMs, int node, long height, long rssKb, long heapUsedKb, int fds, int threads, long diskBytes) {}

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** In the soak's directory: one line per node per sample, written as taken. */
    static final String SAMPLES_FILE = "soak-samples.csv";
    /** In the soak's directory: the report, as printed. */
    static final String REPORT_FILE = "soak-report.txt";

    private final Options o;
    private final PrintStream out;
    private final List<Sample> samples = new ArrayList<>();
    /** Nodes whose process ended during the soak (a crash: the harness never stops one). */
    private final java.util.Set<Integer> died = new java.util.TreeSet<>();

    private SoakRun(Options o, PrintStream out) {
        this.o = o;
        this.out = out;
    }

    /** Runs the soak; progress lines go to {@code out}; returns the report (also fine to print). */
    public static String run(Options o, PrintStream out) throws InterruptedException {
        return new SoakRun(o, out).run();
    }

    private String run() throws InterruptedException {
        long pollMs = Math.max(50, o.blockTimeMs() / 2);
        History history = new History();
        long t0;
        try (Testnet net = Testnet.start(o.dir(), o.nodes(), o.blockTimeMs())) {
            out.printf("soak: started %d validators in %s; waiting for height 2%n", o.nodes(), o.dir());
            awaitHeight(net, 2, Duration.ofMinutes(3));
            try (Load load = new Load(net, history, o.accounts(), pollMs, 30_000)) {
                if (!load.fund(System.nanoTime() + Duration.ofMinutes(2).toNanos())) {
                    throw new IllegalStateException("the faucet's transfers to the load accounts were not included in time");
                }
                load.start();
                out.printf("soak: load of %d accounts running; sampling every %d s for %s%n", o.accounts(),
                        o.interval().toSeconds(), o.duration());
                t0 = System.currentTimeMillis();
                long end = System.nanoTime() + o.duration().toNanos();
                Path csv = o.dir().resolve(SAMPLES_FILE);
                append(csv, "seconds,node,height,rss_kib,heap_used_kib,fds,threads,data_dir_bytes\n");
                out.printf("soak: every sample goes to %s as it is taken; the report to %s%n", csv,
                        o.dir().resolve(REPORT_FILE));
                while (true) {
                    for (int i = 0; i < net.size(); i++) {
                        Sample s = sample(net, i, System.currentTimeMillis() - t0);
                        samples.add(s);
                        append(csv, String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%d,%d,%d%n", s.atMs() / 1000.0,
                                s.node(), s.height(), s.rssKb(), s.heapUsedKb(), s.fds(), s.threads(), s.diskBytes()));
                        if (i == 0) {
                            out.printf(Locale.ROOT, "soak: %5d s  height %d  node0: rss %d MiB, heap %d MiB, %d fds, %d threads,"
                                    + " data dir %.1f MiB%n", s.atMs() / 1000, s.height(), s.rssKb() / 1024,
                                    s.heapUsedKb() / 1024, s.fds(), s.threads(), s.diskBytes() / 1048576.0);
                        }
                    }
                    long left = end - System.nanoTime();
                    if (left <= 0) break;
                    for (int i = 0; i < net.size(); i++) {
                        if (!net.up(i)) {
                            // A node gone is the soak's finding, not a reason to stop sampling the others.
                            if (died.add(i)) out.printf("soak: node%d's process is gone:%n%s%n", i, net.tail(i, 20));
                        }
                    }
                    Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, o.interval().toMillis()));
                }
            }
        }
        long included = history.of(History.Included.class).size();
        String report = report(included);
        append(o.dir().resolve(REPORT_FILE), report);
        return report;
    }

    private static void append(Path file, String text) {
        try {
            Files.writeString(file, text, java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void awaitHeight(Testnet net, long h, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (height(net, 0) >= h) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("node0 did not reach height " + h + " within " + within.toSeconds() + " s:\n"
                + net.tail(0, 40));
    }

    private static long height(Testnet net, int i) {
        try {
            return net.client(i).status().path("height").asLong(-1);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private Sample sample(Testnet net, int i, long atMs) {
        long pid = net.pid(i);
        long rss = -1;
        int threads = -1;
        int fds = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) threads = Integer.parseInt(line.substring(8).trim());
                if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
            try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds = (int) s.count();
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process is gone: the figures stay -1.
        }
        return new Sample(atMs, i, height(net, i), rss, heapUsedKb(pid), fds, threads,
                sizeOf(NodeInit.nodeDir(o.dir(), i)));
    }

    /** The used heap as {@code jcmd PID GC.heap_info} reports it, or -1. */
    private static long heapUsedKb(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            Matcher m = HEAP_USED.matcher(text);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // removed meanwhile (a RocksDB compaction)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private String report(long included) {
        StringBuilder sb = new StringBuilder();
        long lastAt = samples.isEmpty() ? 0 : samples.getLast().atMs();
        // The first fifth of the run (at most a minute) is warm-up: JIT, heap sizing, RocksDB's first files.
        long warmUpMs = Math.min(60_000, lastAt / 5);
        sb.append(String.format(Locale.ROOT, "soak: %d validators, block time %d ms, %d load accounts, %.1f min, "
                        + "a sample every %d s; %d transfers included%n", o.nodes(), o.blockTimeMs(), o.accounts(),
                lastAt / 60_000.0, o.interval().toSeconds(), included));
        sb.append(died.isEmpty() ? "every node process ran to the end\n"
                : "NODE PROCESSES GONE DURING THE SOAK: " + died + " (their logs are in " + o.dir() + ")\n");
        sb.append(String.format(Locale.ROOT, "growth per hour: least squares over the samples after the first %d s%n",
                warmUpMs / 1000));
        sb.append(String.format(Locale.ROOT, "%-6s %-14s %12s %12s %12s %12s %14s%n", "node", "figure", "first", "last",
                "min", "max", "growth/hour"));
        for (int i = 0; i < o.nodes(); i++) {
            int node = i;
            List<Sample> mine = samples.stream().filter(s -> s.node() == node).toList();
            if (mine.isEmpty()) continue;
            row(sb, node, "height", mine, warmUpMs, s -> (double) s.height(), "");
            row(sb, node, "rss MiB", mine, warmUpMs, s -> s.rssKb() / 1024.0, "");
            row(sb, node, "heap MiB", mine, warmUpMs, s -> s.heapUsedKb() / 1024.0, "");
            row(sb, node, "fds", mine, warmUpMs, s -> (double) s.fds(), "");
            row(sb, node, "threads", mine, warmUpMs, s -> (double) s.threads(), "");
            row(sb, node, "data dir MiB", mine, warmUpMs, s -> s.diskBytes() / 1048576.0, "");
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, int node, String figure, List<Sample> mine, long warmUpMs,
                            java.util.function.ToDoubleFunction<Sample> f, String unit) {
        List<Sample> valid = mine.stream().filter(s -> f.applyAsDouble(s) >= 0).toList();
        if (valid.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "node%-2d %-14s %12s%n", node, figure, "n/a"));
            return;
        }
        double first = f.applyAsDouble(valid.getFirst());
        double last = f.applyAsDouble(valid.getLast());
        double min = valid.stream().mapToDouble(f).min().orElse(0);
        double max = valid.stream().mapToDouble(f).max().orElse(0);
        List<Sample> steady = valid.stream().filter(s -> s.atMs() >= warmUpMs).toList();
        double slope = slopePerHour(steady.size() >= 2 ? steady : valid, f);
        sb.append(String.format(Locale.ROOT, "node%-2d %-14s %12.1f %12.1f %12.1f %12.1f %+14.1f%s%n", node, figure,
                first, last, min, max, slope, unit));
    }

    /** Least-squares slope of {@code f} over time, per hour. */
    static double slopePerHour(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        int n = s.size();
        if (n < 2) return 0;
        double mt = s.stream().mapToDouble(x -> x.atMs() / 3_600_000.0).average().orElse(0);
        double mv = s.stream().mapToDouble(f).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample x : s) {
            double t = x.atMs() / 3_600_000.0 - mt;
            num += t * (f.applyAsDouble(x) - mv);
            den += t * t;
        }
        return den == 0 ? 0 : num / den;
    }
}
