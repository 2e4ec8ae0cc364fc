package org.cpc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import org.cpc.poc.MarketLimits;
import org.cpc.poc.NodeLedger;
import org.cpc.poc.PocConfig;
import org.cpc.poc.PocValidator;
import org.cpc.poc.Retention;
import org.cpc.protocol.keys.AccountKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "poc", description = "PoC validator: runs the Task Market, hands jobs to workers, verifies, settles on L1.",
        subcommands = {PocCommand.Start.class})
final class PocCommand extends GroupCommand {
    @Command(name = "start", description = {
        "Serve the Task Market REST API and the worker WebSocket (/worker). Tasks, jobs and accepted results are kept"
            + " in --data-dir and survive restarts. Accepted jobs are sent to L1 as SUBMIT_RESULT signed by --key,"
            + " which must be one of the network's PoC validators (on a devnet: the node's operator key).",
        "Runs until Ctrl-C."})
    static final class Start implements Runnable {
        @Option(names = "--key", required = true, paramLabel = "NAME", description = "Keyring name of the PoC validator's account.")
        String key;
        @Option(names = "--port", defaultValue = "" + PocConfig.DEFAULT_PORT, description = "Task Market port (default: ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Listen address (default: ${DEFAULT-VALUE}).")
        String host;
        @Option(names = "--data-dir", paramLabel = "DIR", description = "State and blobs (default: ~/.cpc/poc).")
        Path dataDir;
        @Option(names = "--max-blob-bytes", paramLabel = "BYTES", defaultValue = "" + PocConfig.DEFAULT_MAX_BLOB_BYTES,
                description = "Largest blob upload (default: ${DEFAULT-VALUE}).")
        long maxBlobBytes;
        @Option(names = "--jobs-per-worker", paramLabel = "N", defaultValue = "8",
                description = "Most jobs in flight on one worker (default: ${DEFAULT-VALUE}).")
        int jobsPerWorker;
        @Option(names = "--job-timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "Longest a job may take before it goes to another worker; each job gets 4× its expected time at"
                        + " the worker's advertised GOPS, 10 s to this (default: ${DEFAULT-VALUE}).")
        long jobTimeoutSeconds;
        @Option(names = "--duplicate-probability", paramLabel = "P", defaultValue = "0.05",
                description = "Chance an accepted job is also run on a second worker and compared (default: ${DEFAULT-VALUE}).")
        double duplicate;
        @Option(names = "--dispute-window", paramLabel = "BLOCKS",
                description = "L1 blocks after a task ended during which its trace (inputs, job outputs) is kept for fraud"
                        + " proofs (default: L1's dispute_window from the node's /params; a smaller value is refused).")
        Long disputeWindow;
        @Option(names = "--keep-finished-days", paramLabel = "DAYS", defaultValue = "30",
                description = "How long a finished task (records, job outputs, result) is kept after it ended; then"
                        + " GET /tasks/ID answers 410 Gone (default: ${DEFAULT-VALUE}).")
        long keepFinishedDays;
        @Option(names = "--blob-grace-hours", paramLabel = "HOURS", defaultValue = "24",
                description = "A blob no unfinished task uses is deleted once it is this old, so inputs may be uploaded"
                        + " before their task is created (default: ${DEFAULT-VALUE}).")
        long blobGraceHours;
        @Option(names = "--max-deletions-per-sweep", paramLabel = "N", defaultValue = "1000",
                description = "Most tasks and blob files removed by one retention sweep, one a minute (default: ${DEFAULT-VALUE}).")
        int maxDeletions;
        @Option(names = "--http-max-connections", paramLabel = "N", defaultValue = "1024",
                description = "Most HTTP connections to the Task Market, WebSockets included (default: ${DEFAULT-VALUE}).")
        int httpMaxConnections;
        @Option(names = "--http-max-connections-per-ip", paramLabel = "N", defaultValue = "128",
                description = "Most HTTP connections from one IP address (default: ${DEFAULT-VALUE}).")
        int httpMaxConnectionsPerIp;
        @Option(names = "--ws-max-unauthenticated", paramLabel = "N", defaultValue = "128",
                description = "Most /worker sessions that have not said hello yet (default: ${DEFAULT-VALUE}).")
        int wsMaxUnauthenticated;
        @Option(names = "--ws-max-unauthenticated-per-ip", paramLabel = "N", defaultValue = "32",
                description = "Most /worker sessions without hello from one IP address (default: ${DEFAULT-VALUE}).")
        int wsMaxUnauthenticatedPerIp;
        @Mixin NodeUrlOption node;
        @Mixin KeyringOptions keys;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        /**
         * L1's {@code dispute_window}, the least the traces are kept; a smaller {@code --dispute-window} is refused.
         * When the node cannot be asked, {@link Retention#DEFAULT_DISPUTE_WINDOW}.
         */
        private long l1DisputeWindow(NodeLedger ledger) {
            long l1;
            try {
                l1 = ledger.params().bonds().disputeWindow();
            } catch (org.cpc.poc.Ledger.Unavailable e) {
                spec.commandLine().getErr().println("warning: L1's dispute_window cannot be read (" + e.getMessage()
                        + "); traces are kept at least " + Retention.DEFAULT_DISPUTE_WINDOW + " blocks");
                return Retention.DEFAULT_DISPUTE_WINDOW;
            }
            if (disputeWindow != null && disputeWindow < l1) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--dispute-window " + disputeWindow + " is shorter than"
                        + " L1's dispute_window " + l1 + ": traces would be deleted while their jobs can still be"
                        + " disputed");
            }
            return l1;
        }

        @Override
        public void run() {
            Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".cpc", "poc");
            PocConfig d = PocConfig.defaults(dir);
            NodeLedger ledger = new NodeLedger(node.client());
            PocConfig config = new PocConfig(dir, host, port, maxBlobBytes, d.maxResultBytes(),
                    Duration.ofSeconds(jobTimeoutSeconds), jobsPerWorker, duplicate, d.heartbeat(), d.maxPendingL1(),
                    new Retention(disputeWindow == null ? 0 : disputeWindow, Duration.ofDays(keepFinishedDays),
                            Duration.ofHours(blobGraceHours), maxDeletions, Retention.DEFAULTS.every())
                            .atLeast(l1DisputeWindow(ledger)),
                    new MarketLimits(httpMaxConnections, httpMaxConnectionsPerIp, wsMaxUnauthenticated,
                            wsMaxUnauthenticatedPerIp));
            // The settings are checked first: a bad flag should not cost a password prompt.
            AccountKey account = keys.keyring().unlockSecp256k1(key, keys.unlockPassword(key));
            PocValidator v = PocValidator.start(config, account, ledger, InstantSource.system());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                v.close();
                stopped.countDown();
            }));
            PrintWriter out = spec.commandLine().getOut();
            String url = "http://" + host + ":" + v.port();
            out.println("PoC validator " + account.address() + " on L1 node " + node.url);
            out.println("  Task Market: " + url + "   (OpenAPI: " + url + "/openapi.json)");
            out.println("  workers:     cpc worker start --key NAME --pool ws://" + host + ":" + v.port() + "/worker");
            out.println("  state:       " + dir + " (traces kept " + config.retention().disputeWindow()
                    + " L1 blocks after their task ends, for fraud proofs)");
            out.flush();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
