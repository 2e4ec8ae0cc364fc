package org.cpc.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.KeyKind;
import org.cpc.protocol.keys.Keyring;
import org.cpc.worker.StatusReporter;
import org.cpc.worker.Worker;

/**
 * The devnet's workers, in this process as separate worker processes would be: keys PREFIX1, PREFIX2, ... in the
 * data dir's keyring under the devnet password (made on first use), the processors shared evenly among them, each
 * worker on a daemon thread of its own.
 */
final class DevnetWorkers {
    /** Solo workers ({@code worker-1}, ...) and pool workers ({@code pool-worker-1}, ...), as the devnet lists them. */
    record Kind(String what, String keyPrefix, String lineFormat) {}

    static final Kind SOLO = new Kind("solo workers", "worker-", "  %s:  %s   (%s)");
    static final Kind POOL = new Kind("pool workers", "pool-worker-", "  %s: %s   (%s)");

    /** One worker from its key, the backend and the status line all of them share. */
    interface Factory<W extends Worker> {
        W create(AccountKey key, ComputeBackend compute, StatusReporter reporter);
    }

    private DevnetWorkers() {}

    /**
     * Starts {@code count} workers and prints a line each (name, address, backend); none, with a line saying why,
     * when the backend cannot be had.
     */
    static <W extends Worker> List<W> start(Kind kind, int count, DataDir dir, String backend, PrintWriter out,
                                            PrintWriter err, Factory<W> factory) {
        List<W> list = new ArrayList<>();
        if (count == 0) return list;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / count);
        ComputeBackend compute;
        try {
            compute = Backends.select(backend, threads);
        } catch (IllegalStateException e) {
            out.println("  " + kind.what() + ": none started: " + e.getMessage());
            return list;
        }
        char[] password = NodeInit.DEVNET_KEY_PASSWORD.toCharArray();
        Keyring keyring = new Keyring(dir.keys());
        StatusReporter reporter = new StatusReporter(err, StatusReporter.onTerminal());
        for (int i = 1; i <= count; i++) {
            String name = kind.keyPrefix() + i;
            if (!keyring.exists(name)) keyring.create(name, KeyKind.SECP256K1, password);
            AccountKey key = keyring.unlockSecp256k1(name, password);
            W w = factory.create(key, compute, reporter);
            Thread.ofPlatform().name("devnet-" + name).daemon(true).start(w);
            list.add(w);
            out.println(String.format(kind.lineFormat(), name, key.address(), compute.description()));
        }
        return list;
    }

    /** Asks them all to stop, then gives each up to 2 s to finish. */
    static void stop(List<? extends Worker> workers) {
        workers.forEach(Worker::stop);
        for (Worker w : workers) {
            try {
                w.awaitStopped(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
