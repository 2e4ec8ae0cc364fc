package org.cpc.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.cpc.testnet.ChaosRun;
import org.cpc.testnet.Report;
import org.cpc.testnet.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "testnet", description = "Local test networks of validator processes.",
        subcommands = {TestnetCommand.Chaos.class, TestnetCommand.Soak.class})
final class TestnetCommand extends GroupCommand {

    @Command(name = "chaos", description = {
        "Run validators as separate processes, every link through a fault-injecting proxy, under transfer load;",
        "inject a scenario's faults (partitions, kill -9, SIGSTOP, slow links, resets) and check the history:",
        "one hash per height on every node, acknowledged inclusions never lost, account nonces and balances",
        "consistent, progress under faults that leave a quorum and after every heal. Exit code 1 on a violation.",
        "Scenarios: partition-halves, partition-one, flapping, one-way, kill, pause, slow, resets, skew;",
        "market (a PoC validator and two pool workers as processes, a customer creating matmul tasks; the PoC",
        "validator cut off from its node, its node partitioned and killed, itself killed -9 mid-task; checks that",
        "every task ends on L1, no job is paid twice, escrow and supply to the wei);",
        "ci (a partition, a kill, a slow link) and all (every one, in turn)."})
    static final class Chaos implements Runnable {
        @Option(names = "--scenario", required = true, paramLabel = "NAME", description = "Which faults (see above).")
        String scenario;
        @Option(names = "--duration", defaultValue = "60s", paramLabel = "D",
                description = "Time the faults are held in all, shared among the scenario's faults, e.g. 90s, 5m "
                        + "(default: ${DEFAULT-VALUE}); the waits for recovery come on top.")
        String duration;
        @Option(names = "--nodes", defaultValue = "4", paramLabel = "N", description = "Validators, 4..16 (default: ${DEFAULT-VALUE}).")
        int nodes;
        @Mixin
        Network net;
        @Option(names = "--slack", defaultValue = "3", paramLabel = "F",
                description = "How much slower than idle the machine may be before a wait counts as a violation (default: ${DEFAULT-VALUE}).")
        int slack;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Scenario s;
            Duration d;
            try {
                s = Scenario.byId(scenario);
                d = parseDuration(duration);
            } catch (IllegalArgumentException e) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, e.getMessage());
            }
            Path where = freshDir(net.dir, "cpc-chaos-");
            // Progress lines go to stderr as they happen, so stdout holds only the report.
            PrintStream out = System.err;
            Report r;
            try {
                r = ChaosRun.run(new ChaosRun.Options(s, nodes, net.blockTimeMs, d, net.accounts, slack, where), out);
            } catch (IllegalArgumentException e) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Errors.CliException(Cpc.EXIT_FAILED, "interrupted");
            }
            spec.commandLine().getOut().print(r.render());
            spec.commandLine().getOut().flush();
            if (!r.ok()) throw new Errors.CliException(Cpc.EXIT_FAILED, "chaos run found a violation (see above)");
        }

        /** {@code dir} if it is new or empty, else a usage error; a fresh temporary directory for null. */
        static Path freshDir(Path dir, String prefix) {
            try {
                if (dir == null) return Files.createTempDirectory(prefix);
                if (Files.exists(dir) && !isEmptyDir(dir)) {
                    throw new Errors.CliException(Cpc.EXIT_USAGE, "--dir " + dir + " exists and is not empty");
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static boolean isEmptyDir(Path p) throws IOException {
            if (!Files.isDirectory(p)) return false;
            try (var s = Files.list(p)) {
                return s.findAny().isEmpty();
            }
        }
    }

    @Command(name = "soak", description = {
        "Run validators as separate processes under steady transfer load for a long time, sampling every node's",
        "resident memory, used heap, open file descriptors, threads and data dir size; print each figure's first,",
        "last, min and max values and its growth per hour (least squares after a warm-up). Progress goes to stderr,",
        "the report to stdout and, with every sample as it is taken, to files in --dir (soak-samples.csv,",
        "soak-report.txt), so an unattended run leaves its figures behind. Linux (/proc); the heap comes from jcmd."})
    static final class Soak implements Runnable {
        @Option(names = "--duration", paramLabel = "D",
                description = "How long to run and sample, e.g. 10m, 1h (default: 1h).")
        String duration;
        @Option(names = "--minutes", paramLabel = "N", description = "The same in minutes: --minutes 60 is --duration 1h.")
        Integer minutes;
        @Option(names = "--interval", defaultValue = "10s", paramLabel = "D",
                description = "Time between samples (default: ${DEFAULT-VALUE}).")
        String interval;
        @Option(names = "--nodes", defaultValue = "2", paramLabel = "N", description = "Validators, 2..16 (default: ${DEFAULT-VALUE}).")
        int nodes;
        @Mixin
        Network net;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            org.cpc.testnet.SoakRun.Options o;
            try {
                if (duration != null && minutes != null) {
                    throw new IllegalArgumentException("give --duration or --minutes, not both");
                }
                if (minutes != null && (minutes < 1 || minutes > 7 * 24 * 60)) {
                    throw new IllegalArgumentException("--minutes must be 1.." + 7 * 24 * 60 + ", not " + minutes);
                }
                Duration d = minutes != null ? Duration.ofMinutes(minutes) : parseDuration(duration == null ? "1h" : duration);
                Duration every = parseDuration(interval);
                // Checked before a temporary directory is made for nothing.
                new org.cpc.testnet.SoakRun.Options(d, every, nodes, net.blockTimeMs, net.accounts, Path.of("."));
                o = new org.cpc.testnet.SoakRun.Options(d, every, nodes, net.blockTimeMs, net.accounts,
                        Chaos.freshDir(net.dir, "cpc-soak-"));
            } catch (IllegalArgumentException e) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, e.getMessage());
            }
            String report;
            try {
                report = org.cpc.testnet.SoakRun.run(o, System.err);
            } catch (IllegalStateException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "soak: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Errors.CliException(Cpc.EXIT_FAILED, "interrupted");
            }
            spec.commandLine().getOut().print(report);
            spec.commandLine().getOut().flush();
        }
    }

    /** "90s", "5m", "1500ms", "1h": a number and a unit. */
    static Duration parseDuration(String text) {
        var m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)").matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("--duration '" + text + "': a number and ms, s, m or h, e.g. 90s");
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            default -> Duration.ofHours(v);
        };
    }

    /** The options chaos and soak runs share: how fast the network goes, its load, where its files go. */
    static final class Network {
        @Option(names = "--block-time-ms", defaultValue = "500", paramLabel = "MS", description = "Block time (default: ${DEFAULT-VALUE}).")
        long blockTimeMs;
        @Option(names = "--accounts", defaultValue = "4", paramLabel = "K",
                description = "Load accounts, each with one transfer in flight (default: ${DEFAULT-VALUE}).")
        int accounts;
        @Option(names = "--dir", paramLabel = "DIR", description = "A new directory for the nodes' data and logs (default: a fresh temporary one, kept).")
        Path dir;
    }
}
