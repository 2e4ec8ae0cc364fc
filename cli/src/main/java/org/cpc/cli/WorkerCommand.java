package org.cpc.cli;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.protocol.keys.AccountKey;
import java.net.URI;
import org.cpc.worker.NodeApi;
import org.cpc.worker.PoolWorker;
import org.cpc.worker.SoloWorker;
import org.cpc.worker.StatusReporter;
import org.cpc.worker.Worker;
import org.cpc.worker.WorkerMetrics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "worker", description = "Earn CPC by computing: solo mode works on synthetic tasks from the chain,"
        + " pool mode (--pool) on market jobs from a PoC validator.",
        subcommands = {WorkerCommand.Start.class})
final class WorkerCommand extends GroupCommand {
    @Command(name = "start", description = {
        "Follow the node's new blocks, compute and prove each block's synthetic task, and submit the results signed"
            + " by --key, which is paid the blocks' compute reward share. Runs until Ctrl-C.",
        "The account pays a small fee per result; on a devnet an empty account asks the faucet.",
        "With --pool ws://HOST:8080/worker: pool mode. Connects to a PoC validator, proves the account by signing its"
            + " challenge, runs the market jobs it hands out and is paid per accepted job (no fees)."})
    static final class Start implements Runnable {
        @Option(names = "--key", required = true, paramLabel = "NAME", description = "Keyring name of the worker's account.")
        String key;
        @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
                description = "Compute backend (default: ${DEFAULT-VALUE}: CUDA where available, else the CPU).")
        String backend;
        @Option(names = "--threads", paramLabel = "N",
                description = "CPU threads for the matrix multiply (default: every available processor).")
        Integer threads;
        @Option(names = "--stop-after", paramLabel = "N",
                description = "Stop after N accepted results or jobs (default: run until stopped), for scripts and trials.")
        Long stopAfter;
        @Option(names = "--pool", paramLabel = "WS_URL",
                description = "Pool mode: the PoC validator's worker WebSocket, e.g. ws://127.0.0.1:8080/worker.")
        String pool;
        @Option(names = "--jobs", paramLabel = "N",
                description = "Pool mode: market jobs run at once (default: half the processors, at least 1).")
        Integer jobs;
        @Option(names = "--metrics-port", paramLabel = "PORT",
                description = "Serve Prometheus metrics at http://HOST:PORT/metrics (0: any free port; the bound port"
                        + " is printed). Default: no metrics server.")
        Integer metricsPort;
        @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
                description = "Address the metrics server binds (default: ${DEFAULT-VALUE}; 0.0.0.0 for a remote"
                        + " Prometheus).")
        String metricsHost;
        @Mixin NodeUrlOption node;
        @Mixin KeyringOptions keys;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
            ComputeBackend compute;
            try {
                compute = Backends.select(backend, n);
            } catch (IllegalStateException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, e.getMessage());
            }
            AccountKey account = keys.keyring().unlockSecp256k1(key, keys.unlockPassword(key));
            try (WorkerMetrics metrics = new WorkerMetrics()) {
                ComputeBackend metered = metrics.meter(compute);
                if (pool != null) {
                    runPool(account, metered, metrics);
                } else {
                    runSolo(account, metered, metrics);
                }
            }
        }

        /** Serves the worker's metrics when --metrics-port asks for them, and says where. */
        private void serveMetrics(WorkerMetrics metrics, String mode, ComputeBackend compute, Worker worker) {
            if (metricsPort == null) return;
            metrics.watch(mode, compute, worker::reading);
            int port;
            try {
                port = metrics.serve(metricsHost, metricsPort);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, e.getMessage());
            }
            spec.commandLine().getErr().println("metrics on http://" + metricsHost + ":" + port + "/metrics");
            spec.commandLine().getErr().flush();
        }

        private void runSolo(AccountKey account, ComputeBackend compute, WorkerMetrics metrics) {
            SoloWorker worker = new SoloWorker(new NodeApi(node.client()), account, compute,
                    new StatusReporter(spec.commandLine().getErr(), StatusReporter.onTerminal()));
            serveMetrics(metrics, "solo", compute, worker);
            runUntilDone("solo-worker", worker, worker::stop, () -> worker.status().accepted());
        }

        private void runPool(AccountKey account, ComputeBackend compute, WorkerMetrics metrics) {
            PoolWorker.Options options = PoolWorker.Options.defaults();
            if (jobs != null) {
                if (jobs < 1) throw new IllegalArgumentException("--jobs must be at least 1");
                options = options.withMaxJobs(jobs);
            }
            PoolWorker worker;
            try {
                worker = new PoolWorker(URI.create(pool), account, compute,
                        new StatusReporter(spec.commandLine().getErr(), StatusReporter.onTerminal()), options);
            } catch (IllegalArgumentException e) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, e.getMessage());
            }
            serveMetrics(metrics, "pool", compute, worker);
            runUntilDone("pool-worker", worker, worker::stop, () -> worker.status().done());
        }

        /**
         * Runs a worker's loop on its own thread until it ends, a stop signal stops it, or it has done
         * {@code --stop-after} jobs ({@code done}). A loop that fails fails the command: only computing itself ends
         * a loop that way (node and pool outages are waited out), so it is a broken backend.
         */
        private void runUntilDone(String thread, Runnable loop, Runnable stop, LongSupplier done) {
            FutureTask<Void> task = new FutureTask<>(loop, null);
            Thread.ofPlatform().name(thread).start(task);
            List<Runnable> restore = onStopSignals(stop);
            try {
                while (true) {
                    try {
                        task.get(100, TimeUnit.MILLISECONDS);
                        return;
                    } catch (TimeoutException e) {
                        if (stopAfter != null && done.getAsLong() >= stopAfter) stop.run();
                    }
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.run();
            } finally {
                restore.forEach(Runnable::run);
            }
        }

        /**
         * Ctrl-C and SIGTERM ask the worker to stop instead of ending the JVM, so it leaves no half-sent transaction
         * and the command exits 0. Returns what puts the previous handlers back.
         */
        private static List<Runnable> onStopSignals(Runnable stop) {
            List<Runnable> restore = new ArrayList<>();
            for (String name : List.of("INT", "TERM")) {
                try {
                    Signal signal = new Signal(name);
                    var previous = Signal.handle(signal, s -> stop.run());
                    restore.add(() -> Signal.handle(signal, previous));
                } catch (IllegalArgumentException unsupported) {
                    // This platform or JVM does not let us handle it; the default (JVM exit) applies.
                }
            }
            return restore;
        }
    }
}
