package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.cpc.bench.compute.GemmBenchmark;
import org.cpc.bench.compute.AuditBenchmark;
import org.cpc.bench.compute.VerifyBenchmark;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks: node throughput, GEMM backends, synthetic proof verification.",
        subcommands = {BenchCommand.Tps.class, BenchCommand.Stages.class, BenchCommand.PruningGrowthCommand.class,
            BenchCommand.Delegators.class,
            BenchCommand.StateSyncCommand.class,
            BenchCommand.Gemm.class, BenchCommand.Verify.class, BenchCommand.Dispatch.class,
            BenchCommand.FreivaldsCheck.class, BenchCommand.Traces.class, BenchCommand.Fraud.class,
            BenchCommand.Audit.class})
final class BenchCommand extends GroupCommand {
    /** A benchmark that keeps a chain in a temporary directory. */
    private interface OnDisk {
        void run(Path dir) throws Exception;
    }

    /** Runs {@code bench} in a new temporary directory; its failure is exit code 1, naming the benchmark. */
    private static void inTempDir(String name, OnDisk bench) {
        try {
            bench.run(Files.createTempDirectory("cpc-" + name + "-"));
        } catch (Exception e) {
            throw new Errors.CliException(Cpc.EXIT_FAILED, name + " benchmark failed: " + e);
        }
    }

    @Command(name = "tps", description = {
        "Transfer throughput over HTTP: funds fresh accounts from the devnet faucet, then sends signed transfers",
        "from concurrent clients as fast as they are accepted. Prints accepted tx/s (admitted by POST /tx/send),",
        "committed tx/s (in blocks) and submit-to-final latency (from the POST to the block holding the transaction",
        "being served by node0). With --validators it starts its own devnet(s) in this process instead of --node."})
    static final class Tps implements Runnable {
        @Mixin NodeUrlOption node;
        @Option(names = "--validators", split = ",", paramLabel = "N[,N..]",
                description = "Measure a fresh devnet of N validators on loopback, started in this process, for each N"
                        + " in turn (e.g. 1,4), instead of the node of --node.")
        List<Integer> validators;
        @Option(names = "--block-time-ms", defaultValue = "1000", paramLabel = "MS",
                description = "Block interval of the devnets --validators starts (default: ${DEFAULT-VALUE}).")
        long blockTimeMs;
        @Option(names = "--clients", defaultValue = "16", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
        int clients;
        @Option(names = "--duration", defaultValue = "20", paramLabel = "S", description = "Seconds of sending (default: ${DEFAULT-VALUE}).")
        int duration;
        @Option(names = "--accounts", defaultValue = "256", description = "Fresh sender accounts (default: ${DEFAULT-VALUE}).")
        int accounts;
        @Option(names = "--batch", defaultValue = "0", paramLabel = "N",
                description = "Send up to N transactions per POST /tx/batch, one per sender of the client (so N is at"
                        + " most --accounts / --clients), instead of one per POST /tx/send (1.." + BATCH_LIMIT
                        + "; default: 0, one per request).")
        int batch;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        private static final int FAUCET_BATCH = 50;
        private static final int BATCH_LIMIT = 1000;

        private record Sender(AccountKey key, long[] nonce) {}

        /** One measurement; latencies in ms, of the accepted transactions seen committed. */
        private record Figures(long accepted, double acceptedTps, long committed, double committedTps, long[] latencyMs,
                               double cpuMicrosPerTx) {
            long percentile(int p) {
                return latencyMs.length == 0 ? -1 : latencyMs[Math.min(latencyMs.length - 1, latencyMs.length * p / 100)];
            }
        }

        @Override
        public void run() {
            if (clients < 1 || accounts < clients || duration < 1 || batch < 0 || batch > BATCH_LIMIT) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "need --clients >= 1, --accounts >= --clients, --duration >= 1,"
                        + " --batch 0.." + BATCH_LIMIT);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (validators == null) {
                measure(List.of(node.client()), out);
                return;
            }
            for (int n : validators) {
                if (n < 1 || n > NodeInit.MAX_VALIDATORS) {
                    throw new Errors.CliException(Cpc.EXIT_USAGE, "--validators must be 1.." + NodeInit.MAX_VALIDATORS);
                }
            }
            List<String> summary = new ArrayList<>();
            for (int n : validators) {
                Path dir;
                try {
                    dir = Files.createTempDirectory("cpc-bench-" + n + "v-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                out.printf("== %d validator%s in this process, %d ms blocks, data in %s%n", n, n == 1 ? "" : "s",
                        blockTimeMs, dir);
                out.flush();
                Figures f;
                try (LocalNetwork net = LocalNetwork.generate(dir, NetworkParams.devnet().withBlockTime(blockTimeMs), n)) {
                    f = measure(net.urls().stream().map(NodeClient::new).toList(), out);
                } finally {
                    DevnetCommand.deleteTree(dir);
                }
                summary.add(String.format("| %d | %,.0f | %,.0f | %d | %d | %.0f |", n, f.acceptedTps(), f.committedTps(),
                        f.percentile(50), f.percentile(99), f.cpuMicrosPerTx()));
            }
            out.println();
            out.println("| validators | accepted tx/s | committed tx/s | latency p50 ms | latency p99 ms | CPU µs/tx |");
            out.println("| --- | --- | --- | --- | --- | --- |");
            summary.forEach(out::println);
        }

        /**
         * Funds the senders from node0's faucet, then client c sends to node c mod N; node0's blocks are read as they
         * are committed to time each transaction from its submission to its block.
         */
        private Figures measure(List<NodeClient> nodes, PrintWriter out) {
            NodeClient node0 = nodes.getFirst();
            NetworkParams params = NetworkParams.fromJson(node0.params());

            List<Sender> senders = fund(node0, nodes, out);
            String sink = AccountKey.of(Secp256k1.randomPrivateKey()).address();
            long h0 = node0.status().path("height").asLong();
            out.printf("sending for %d s from %d clients over %d accounts to %d node%s...%n", duration, clients,
                    accounts, nodes.size(), nodes.size() == 1 ? "" : "s");
            out.flush();

            ConcurrentHashMap<String, Long> submitted = new ConcurrentHashMap<>();
            FinalityWatcher watcher = new FinalityWatcher(node0, h0 + 1, submitted);
            Thread.ofPlatform().name("bench-finality").daemon(true).start(watcher);
            LongAdder accepted = new LongAdder();
            LongAdder rejected = new LongAdder();
            long cpu0 = processCpuNanos();
            long start = System.nanoTime();
            long end = start + duration * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                List<Sender> mine = new ArrayList<>();
                for (int i = c; i < senders.size(); i += clients) mine.add(senders.get(i));
                NodeClient target = nodes.get(c % nodes.size());
                threads.add(Thread.ofPlatform().name("bench-client-" + c).start(batch == 0
                        ? () -> send(target, mine, sink, params, end, accepted, rejected, submitted)
                        : () -> sendBatches(target, mine, sink, params, end, batch, accepted, rejected, submitted)));
            }
            try {
                for (Thread t : threads) t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Errors.CliException(Cpc.EXIT_FAILED, "interrupted");
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;

            long h1 = waitForEmptyMempools(nodes);
            watcher.awaitHeight(h1);
            watcher.stop();
            long cpu = processCpuNanos() - cpu0;
            long committed = 0;
            long laterRounds = 0;
            long t0 = block(node0, h0).path("header").path("timestamp").asLong();
            long t1 = t0;
            for (long h = h0 + 1; h <= h1; h++) {
                JsonNode b = block(node0, h);
                committed += b.path("transactions").size();
                t1 = b.path("header").path("timestamp").asLong();
                if (b.path("header").path("round").asLong() > 0) laterRounds++;
            }
            double commitSeconds = Math.max(1, t1 - t0) / 1000.0;
            long[] latencies = watcher.latenciesMs();
            Figures f = new Figures(accepted.sum(), accepted.sum() / sendSeconds, committed, committed / commitSeconds,
                    latencies, committed == 0 ? 0 : cpu / 1000.0 / committed);
            out.printf("accepted:  %d tx in %.1f s = %.0f tx/s (%d rejected)%n", accepted.sum(), sendSeconds,
                    f.acceptedTps(), rejected.sum());
            out.printf("committed: %d tx in blocks %d..%d over %.1f s of block time = %.0f tx/s"
                    + " (%.2f s a block, %d decided after round 0)%n", committed, h0 + 1, h1, commitSeconds,
                    f.committedTps(), commitSeconds / Math.max(1, h1 - h0), laterRounds);
            out.printf("submit-to-final latency of %d tx: median %d ms, p99 %d ms, max %d ms%n", latencies.length,
                    f.percentile(50), f.percentile(99), latencies.length == 0 ? -1 : latencies[latencies.length - 1]);
            // On a shared machine wall-clock rates depend on what else runs; CPU per transaction does not.
            int cores = Runtime.getRuntime().availableProcessors();
            out.printf("CPU of this process (nodes and clients): %.1f s = %.0f µs per committed tx;"
                    + " %d cores to itself would carry at most %.0f tx/s%n", cpu / 1e9, f.cpuMicrosPerTx(), cores,
                    f.cpuMicrosPerTx() == 0 ? 0 : cores * 1e6 / f.cpuMicrosPerTx());
            out.flush();
            return f;
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        private List<Sender> fund(NodeClient faucetNode, List<NodeClient> nodes, PrintWriter out) {
            out.printf("funding %d accounts from the faucet...%n", accounts);
            out.flush();
            List<Sender> senders = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                // The mempool holds a bounded number of pending transactions per sender, the faucet's included.
                if (i > 0 && i % FAUCET_BATCH == 0) waitForEmptyMempools(nodes);
                AccountKey k = AccountKey.of(Secp256k1.randomPrivateKey());
                var body = Json.object().put("address", k.address()).put("amount", "100.0");
                NodeClient.Reply r = faucetNode.post("/faucet", body);
                if (!r.ok()) {
                    throw new Errors.CliException(Cpc.EXIT_FAILED, "the faucet refused (is this a devnet node?): " + r.error());
                }
                senders.add(new Sender(k, new long[] {0}));
            }
            waitForEmptyMempools(nodes);
            String last = senders.getLast().key().address();
            for (NodeClient n : nodes) {
                if (new BigInteger(n.balance(last).path("balance").asText()).signum() == 0) {
                    throw new Errors.CliException(Cpc.EXIT_FAILED, "faucet transfers were not committed at " + n.base()
                            + "; are the nodes producing blocks?");
                }
            }
            return senders;
        }

        private static void send(NodeClient client, List<Sender> mine, String sink, NetworkParams params, long end,
                                 LongAdder accepted, LongAdder rejected, Map<String, Long> submitted) {
            int i = 0;
            while (System.nanoTime() < end) {
                Sender s = mine.get(i++ % mine.size());
                Transaction tx = TxBuilder.of(params, s.key()).nonce(s.nonce()[0])
                        .timestamp(System.currentTimeMillis() / 1000).transfer(sink, BigInteger.ONE);
                String key = FinalityWatcher.key(s.key().address(), s.nonce()[0]);
                // Recorded before the POST: the block holding it may be read before the POST returns.
                submitted.put(key, System.nanoTime());
                NodeClient.Reply r = client.sendTransaction(tx);
                if (r.ok()) {
                    accepted.increment();
                    s.nonce()[0]++;
                } else {
                    submitted.remove(key);
                    rejected.increment();
                    // A refusal (a full mempool, say) leaves our nonce count unsure; ask the node.
                    s.nonce()[0] = client.balance(s.key().address()).path("nonce").asLong();
                }
            }
        }

        /**
         * Like {@link #send}, up to {@code size} transactions per {@code POST /tx/batch}, at most one per sender: a
         * refused transaction (a full mempool, say) then never leaves a later nonce of its sender pending behind a
         * gap, and the sender's next nonce is asked of the node as after a refusal one by one.
         */
        private static void sendBatches(NodeClient client, List<Sender> mine, String sink, NetworkParams params, long end,
                                        int batch, LongAdder accepted, LongAdder rejected, Map<String, Long> submitted) {
            int size = Math.min(batch, mine.size());
            int i = 0;
            while (System.nanoTime() < end) {
                List<Transaction> txs = new ArrayList<>(size);
                List<Sender> from = new ArrayList<>(size);
                List<String> keys = new ArrayList<>(size);
                long now = System.nanoTime();
                for (int k = 0; k < size; k++) {
                    Sender s = mine.get(i++ % mine.size());
                    txs.add(TxBuilder.of(params, s.key()).nonce(s.nonce()[0])
                            .timestamp(System.currentTimeMillis() / 1000).transfer(sink, BigInteger.ONE));
                    String key = FinalityWatcher.key(s.key().address(), s.nonce()[0]++);
                    from.add(s);
                    keys.add(key);
                    submitted.put(key, now);
                }
                JsonNode results = NodeClient.require(client.sendTransactions(txs)).path("results");
                List<Sender> resync = new ArrayList<>();
                for (int k = 0; k < size; k++) {
                    if ("received".equals(results.path(k).path("status").asText())) {
                        accepted.increment();
                    } else {
                        submitted.remove(keys.get(k));
                        rejected.increment();
                        if (!resync.contains(from.get(k))) resync.add(from.get(k));
                    }
                }
                for (Sender s : resync) s.nonce()[0] = client.balance(s.key().address()).path("nonce").asLong();
            }
        }

        private static long waitForEmptyMempools(List<NodeClient> nodes) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline) {
                boolean empty = true;
                for (NodeClient n : nodes) empty &= n.status().path("mempool_size").asLong() == 0;
                if (empty) return nodes.getFirst().status().path("height").asLong();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new Errors.CliException(Cpc.EXIT_FAILED, "the mempools did not drain within 120 s");
        }

        private static JsonNode block(NodeClient client, long height) {
            return NodeClient.require(client.get("/block/" + height));
        }
    }

    /**
     * Reads node0's blocks in order as soon as each is served (polling every 5 ms) and, for each transaction the
     * bench submitted, keeps the time from its submission to then: the submit-to-final latency, since a block is
     * served only once committed with its certificate. A transaction is known by sender and nonce, which identify
     * it on the chain without hashing it again.
     */
    private static final class FinalityWatcher implements Runnable {
        private final NodeClient node;
        private final Map<String, Long> submitted;
        private final List<Long> latencies = new ArrayList<>();
        private volatile long next;
        private volatile boolean stopped;

        FinalityWatcher(NodeClient node, long from, Map<String, Long> submitted) {
            this.node = node;
            this.next = from;
            this.submitted = submitted;
        }

        static String key(String from, long nonce) {
            return from + "/" + nonce;
        }

        @Override
        public void run() {
            while (!stopped) {
                NodeClient.Reply r = node.get("/block/" + next);
                if (r.status() == 404) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                long seen = System.nanoTime();
                JsonNode b = NodeClient.require(r);
                synchronized (latencies) {
                    for (JsonNode tx : b.path("transactions")) {
                        Long at = submitted.remove(key(tx.path("from_address").asText(), tx.path("nonce").asLong()));
                        if (at != null) latencies.add((seen - at) / 1_000_000);
                    }
                }
                next++;
            }
        }

        /** Ends the loop after the request in flight, if any (an interrupt would surface as a failed request). */
        void stop() {
            stopped = true;
        }

        void awaitHeight(long height) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (next <= height && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        long[] latenciesMs() {
            synchronized (latencies) {
                return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }
    }

    @Command(name = "gemm", description = {
        "Exact int8 GEMM throughput (GOPS = 2n^3/s) per matrix size for the selected backend and the pure-Java path,",
        "with two peers measured in the same run: numpy/OpenBLAS float32 matmul and oneDNN's dnnl_gemm_s8s8s32 called",
        "from C (each skipped with a note when python3/numpy, gcc or libdnnl.so.2 is missing)."})
    static final class Gemm implements Runnable {
        @Option(names = "--backend", defaultValue = "cpu", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
        String backend;
        @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 = all cores (default).")
        int threads;
        @Option(names = "--sizes", split = ",", defaultValue = "1024,2048,4096", description = "Matrix sizes n (default: ${DEFAULT-VALUE}).")
        List<Integer> sizes;

        @Override
        public void run() {
            int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            try {
                GemmBenchmark.run(System.out, sizes, backend, t);
            } catch (IOException e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "benchmark failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "verify", description = {
        "Synthetic SUBMIT_RESULT verifications per second on one thread for each available backend, the worker's",
        "time per result (generate, multiply, hash, prove) and the verify/compute ratio."})
    static final class Verify implements Runnable {
        @Option(names = "--n", defaultValue = "1024", description = "Matrix size (default: ${DEFAULT-VALUE}).")
        int n;
        @Option(names = "--k", defaultValue = "32", description = "Spot checks (default: ${DEFAULT-VALUE}).")
        int k;
        @Option(names = "--threads", defaultValue = "0", description = "Worker threads for the compute side, 0 = all cores.")
        int threads;

        @Override
        public void run() {
            int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            VerifyBenchmark.run(System.out, n, k, t);
        }
    }

    @Command(name = "audit", description = {
        "What the audits of synthetic results cost a validator: one full recomputation of C and its root on one",
        "thread for each available backend, the most a block runs, and the spot check beside it (the gas rate's peer)."})
    static final class Audit implements Runnable {
        @Option(names = "--n", defaultValue = "1024", description = "Matrix size (default: ${DEFAULT-VALUE}).")
        int n;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            NetworkParams p = NetworkParams.devnet();
            if (n < 32 || n > 4096) throw new Errors.CliException(Cpc.EXIT_USAGE, "--n must be 32..4096, not " + n);
            AuditBenchmark.run(spec.commandLine().getOut(), p.withSynthetic(n, p.syntheticSpotChecks()));
        }
    }

    @Command(name = "stages", description = {
        "CPU µs per transfer of each stage on one node, on one thread, without HTTP: client signing and encoding,",
        "parse, hash, signature check, admission, execution (block building), commit. A real RocksDB in a temp dir."})
    static final class Stages implements Runnable {
        @Option(names = "--txs", defaultValue = "20000", description = "Transfers per pass (default: ${DEFAULT-VALUE}).")
        int txs;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (txs < 1 || txs > 1_000_000) throw new Errors.CliException(Cpc.EXIT_USAGE, "--txs must be 1..1000000");
            inTempDir("stages", dir -> org.cpc.bench.chain.IngestStages.run(spec.commandLine().getOut(), txs, dir));
        }
    }

    @Command(name = "pruning", description = {
        "Disk growth per block of an archive store and a pruned one in the same run: the same blocks of signed",
        "transfers committed to each (real RocksDB), sizes taken after a flush and full compaction."})
    static final class PruningGrowthCommand implements Runnable {
        @Option(names = "--blocks", defaultValue = "1000", description = "Blocks (default: ${DEFAULT-VALUE}).")
        int blocks;
        @Option(names = "--txs-per-block", defaultValue = "100", description = "Transfers per block (default: ${DEFAULT-VALUE}).")
        int txsPerBlock;
        @Option(names = "--keep", defaultValue = "" + org.cpc.chain.Pruning.MIN_KEEP,
                description = "Blocks the pruned store keeps (default: ${DEFAULT-VALUE}).")
        long keep;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (blocks < 2 || txsPerBlock < 1 || txsPerBlock > 4000 || keep < org.cpc.chain.Pruning.MIN_KEEP) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "need --blocks >= 2, --txs-per-block 1..4000, --keep >= "
                        + org.cpc.chain.Pruning.MIN_KEEP);
            }
            inTempDir("pruning", dir -> org.cpc.bench.chain.PruningGrowth.run(spec.commandLine().getOut(), blocks,
                    txsPerBlock, keep, dir));
        }
    }

    @Command(name = "delegators", description = {
        "F1 flatness: the CPU a block costs (propose and commit, real RocksDB) on chains whose one validator has each",
        "given number of delegators, the same blocks measured on each; prints the median and its ratio to the first."})
    static final class Delegators implements Runnable {
        @Option(names = "--counts", split = ",", defaultValue = "10,10000,100000", paramLabel = "N[,N..]",
                description = "Delegator counts, each a chain of its own (default: ${DEFAULT-VALUE}).")
        int[] counts;
        @Option(names = "--blocks", defaultValue = "20", description = "Measured blocks per chain (default: ${DEFAULT-VALUE}).")
        int blocks;
        @Option(names = "--accounts", paramLabel = "N", description = "Accounts funded at genesis besides the senders,"
                + " on every chain (default: the largest count; more makes a control of state size alone).")
        Integer accounts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            int most = counts.length == 0 ? 0 : java.util.Arrays.stream(counts).max().getAsInt();
            int acc = accounts == null ? most : accounts;
            if (blocks < 1 || counts.length == 0 || java.util.Arrays.stream(counts).anyMatch(n -> n < 1 || n > 1_000_000)
                    || acc < most || acc > 1_000_000) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "need --blocks >= 1, --counts in 1..1000000 and --accounts"
                        + " from the largest count to 1000000");
            }
            inTempDir("delegators", dir -> org.cpc.bench.chain.DelegatorScaling.run(spec.commandLine().getOut(),
                    counts, acc, blocks, dir));
        }
    }

    @Command(name = "statesync", description = {
        "Joining a chain by state sync against replaying it: builds a one-validator chain of --blocks blocks over",
        "--accounts funded accounts (a snapshot of the last block), serves it from a node, and times a new node",
        "started with --state-sync until it has caught up with the head, then a node block-syncing from genesis (for",
        "up to 180 s). The accounts are funded by transfers in the first blocks. Real RocksDB, sockets on loopback."})
    static final class StateSyncCommand implements Runnable {
        @Option(names = "--blocks", defaultValue = "100000", description = "Blocks (default: ${DEFAULT-VALUE}).")
        int blocks;
        @Option(names = "--accounts", defaultValue = "100000", description = "Funded accounts (default: ${DEFAULT-VALUE}).")
        int accounts;
        @Option(names = "--dir", paramLabel = "DIR", description = "Where the nodes' data dirs go (default: a new temp dir).")
        Path dir;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (blocks < 20 || accounts < 0 || accounts > 10_000_000) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "need --blocks >= 20 and --accounts 0..10000000");
            }
            try {
                Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("cpc-statesync-");
                StateSyncBench.run(spec.commandLine().getOut(), blocks, accounts, work);
            } catch (Exception e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "state sync benchmark failed: " + e);
            }
        }
    }

    @Command(name = "dispatch", description = {
        "PoC validator dispatch: jobs/s through the /worker WebSocket round trip with the smallest jobs (synthetic 2×2),",
        "a validator on loopback (an L1 that includes at once) and WebSocket clients answering at once, in this",
        "process or (--separate-clients) in a child JVM."})
    static final class Dispatch implements Runnable {
        @Option(names = "--jobs", defaultValue = "30000", description = "Jobs (default: ${DEFAULT-VALUE}).")
        int jobs;
        @Option(names = "--warmup", defaultValue = "" + org.cpc.bench.poc.DispatchBenchmark.DEFAULT_WARMUP,
                description = "Jobs run before the clock starts, so the JIT has compiled the path (default: ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--workers", defaultValue = "4", description = "WebSocket worker connections, 1 to 64 (default: ${DEFAULT-VALUE}).")
        int workers;
        @Option(names = "--separate-clients", description = "Run the worker clients in a child JVM; prints the whole"
                + " validator process's CPU per job and the client JVM's.")
        boolean separate;
        @Option(names = "--client-cpus", paramLabel = "LIST", description = "With --separate-clients: pin the client"
                + " JVM to these CPUs (taskset -c LIST, e.g. 2-15); pin the validator with taskset around cpc.")
        String clientCpus;

        @Override
        public void run() {
            if (clientCpus != null && !separate) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--client-cpus needs --separate-clients");
            }
            if (jobs < 1 || warmup < 0 || workers < 1 || workers > 64) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--jobs must be ≥ 1, --warmup ≥ 0 and --workers in [1, 64]");
            }
            try {
                org.cpc.bench.poc.DispatchBenchmark.run(System.out, jobs, warmup, workers, separate, clientCpus);
            } catch (Exception e) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "benchmark failed: " + e.getMessage());
            }
        }
    }

    @Command(name = "freivalds", description = {
        "Matmul verification cost: Freivalds' check (1 thread) of C = A·B against the CPU backend's compute time",
        "(all threads), n×n×n; prints MB/s of C verified per core and the verification's share of the compute time."})
    static final class FreivaldsCheck implements Runnable {
        @Option(names = "--n", defaultValue = "4096", description = "Matrix size (default: ${DEFAULT-VALUE}).")
        int n;

        @Override
        public void run() {
            org.cpc.bench.compute.FreivaldsBenchmark.run(System.out, n, Runtime.getRuntime().availableProcessors());
        }
    }

    @Command(name = "fraud", description = {
        "FRAUD_PROOF in a node's transaction path at the largest k (16384): parse, admission (rules, signature, the",
        "proof's verification), block execution (slashes, refund, bounty, state tree) and commit, per transaction,",
        "against TRANSFERs in the same run, one thread, CPU time, a real chain in a temp dir."})
    static final class Fraud implements Runnable {
        @Option(names = "--proofs", defaultValue = "64", description = "Proofs, one per wrong job (default: ${DEFAULT-VALUE}).")
        int proofs;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (proofs < 1 || proofs > 1000) throw new Errors.CliException(Cpc.EXIT_USAGE, "--proofs must be 1..1000");
            inTempDir("fraud", dir -> org.cpc.bench.chain.FraudProofBench.run(spec.commandLine().getOut(), proofs, dir));
        }
    }

    @Command(name = "traces", description = {
        "Matmul trace commitments: the row root's added cost over SHA-256 of a job's output, as a share of the job's",
        "compute (n×n×n, CPU backend), and fraud proof verification time against one secp256k1 signature check.",
        "With --model and --input: the same for an inference job of that model (its trace root) and one fraud proof",
        "per layer, instead."})
    static final class Traces implements Runnable {
        @Option(names = "--n", defaultValue = "1024", description = "Matrix size (default: ${DEFAULT-VALUE}).")
        int n;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--model", paramLabel = "M.onnx", description = "An ONNX model: measure inference traces.")
        java.nio.file.Path model;
        @Option(names = "--input", paramLabel = "X.bin", description = "Its int8 input (with --model; the first 256"
                + " samples are one job).")
        java.nio.file.Path input;

        @Override
        public void run() {
            int threads = Runtime.getRuntime().availableProcessors();
            if ((model == null) != (input == null)) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--model and --input go together");
            }
            if (model != null) {
                org.cpc.bench.compute.InferenceTraceBenchmark.run(spec.commandLine().getOut(), model, input, threads);
            }
            else org.cpc.bench.compute.TraceBenchmark.run(System.out, n, threads);
        }
    }
}
