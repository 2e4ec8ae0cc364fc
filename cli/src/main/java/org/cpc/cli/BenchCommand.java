package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.cpc.compute.bench.GemmBenchmark;
import org.cpc.compute.bench.VerifyBenchmark;
import org.cpc.node.client.NodeClient;
import org.cpc.node.client.TxFactory;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Transaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", description = "Benchmarks: node throughput, GEMM backends, synthetic proof verification.",
        subcommands = {BenchCommand.Tps.class, BenchCommand.Gemm.class, BenchCommand.Verify.class, BenchCommand.Dispatch.class,
            BenchCommand.FreivaldsCheck.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "tps", description = {
        "Transfer throughput over HTTP: funds fresh accounts from the devnet faucet, then sends signed transfers",
        "from concurrent clients. Prints accepted tx/s (admitted by POST /tx/send) and committed tx/s (in blocks)."})
    static final class Tps implements Runnable {
        @Mixin NodeUrlOption node;
        @Option(names = "--clients", defaultValue = "16", description = "Concurrent HTTP clients (default: ${DEFAULT-VALUE}).")
        int clients;
        @Option(names = "--duration", defaultValue = "20", paramLabel = "S", description = "Seconds of sending (default: ${DEFAULT-VALUE}).")
        int duration;
        @Option(names = "--accounts", defaultValue = "256", description = "Fresh sender accounts (default: ${DEFAULT-VALUE}).")
        int accounts;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        private static final int FAUCET_BATCH = 50;

        private record Sender(AccountKey key, long[] nonce) {}

        @Override
        public void run() {
            if (clients < 1 || accounts < clients || duration < 1) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "need --clients >= 1, --accounts >= --clients, --duration >= 1");
            }
            PrintWriter out = spec.commandLine().getOut();
            NodeClient client = node.client();
            JsonNode params = client.params();
            String chainId = params.path("chain_id").asText();
            long gasPrice = params.path("min_gas_price").asLong();

            List<Sender> senders = fund(client, out);
            String sink = AccountKey.of(Secp256k1.randomPrivateKey()).address();
            long h0 = client.status().path("height").asLong();
            out.printf("sending for %d s from %d clients over %d accounts...%n", duration, clients, accounts);
            out.flush();

            LongAdder accepted = new LongAdder();
            LongAdder rejected = new LongAdder();
            long start = System.nanoTime();
            long end = start + duration * 1_000_000_000L;
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                List<Sender> mine = new ArrayList<>();
                for (int i = c; i < senders.size(); i += clients) mine.add(senders.get(i));
                threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() ->
                        send(client, mine, sink, chainId, gasPrice, end, accepted, rejected)));
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;

            long h1 = waitForEmptyMempool(client);
            long committed = 0;
            long t0 = block(client, h0).path("header").path("timestamp").asLong();
            long t1 = t0;
            for (long h = h0 + 1; h <= h1; h++) {
                JsonNode b = block(client, h);
                committed += b.path("transactions").size();
                t1 = b.path("header").path("timestamp").asLong();
            }
            double commitSeconds = Math.max(1, t1 - t0) / 1000.0;
            out.printf("accepted:  %d tx in %.1f s = %.0f tx/s (%d rejected)%n", accepted.sum(), sendSeconds,
                    accepted.sum() / sendSeconds, rejected.sum());
            out.printf("committed: %d tx in blocks %d..%d over %.1f s of block time = %.0f tx/s%n", committed, h0 + 1,
                    h1, commitSeconds, committed / commitSeconds);
        }

        private List<Sender> fund(NodeClient client, PrintWriter out) {
            out.printf("funding %d accounts from the faucet...%n", accounts);
            out.flush();
            List<Sender> senders = new ArrayList<>();
            for (int i = 0; i < accounts; i++) {
                // The mempool holds a bounded number of pending transactions per sender, the faucet's included.
                if (i > 0 && i % FAUCET_BATCH == 0) waitForEmptyMempool(client);
                AccountKey k = AccountKey.of(Secp256k1.randomPrivateKey());
                var body = Json.object().put("address", k.address()).put("amount", "100.0");
                NodeClient.Reply r = client.post("/faucet", body);
                if (!r.ok()) {
                    throw new Errors.CliException(Cpc.EXIT_FAILED, "the faucet refused (is this a devnet node?): " + r.error());
                }
                senders.add(new Sender(k, new long[] {0}));
            }
            waitForEmptyMempool(client);
            String last = senders.getLast().key().address();
            if (new BigInteger(client.balance(last).path("balance").asText()).signum() == 0) {
                throw new Errors.CliException(Cpc.EXIT_FAILED, "faucet transfers were not committed; is the node producing blocks?");
            }
            return senders;
        }

        private static void send(NodeClient client, List<Sender> mine, String sink, String chainId, long gasPrice, long end,
                                 LongAdder accepted, LongAdder rejected) {
            int i = 0;
            while (System.nanoTime() < end) {
                Sender s = mine.get(i++ % mine.size());
                Transaction tx = TxFactory.transfer(s.key(), chainId, sink, BigInteger.ONE, s.nonce()[0],
                        gasPrice, System.currentTimeMillis() / 1000);
                NodeClient.Reply r = client.sendTransaction(tx);
                if (r.ok()) {
                    accepted.increment();
                    s.nonce()[0]++;
                } else {
                    rejected.increment();
                    // A refusal (a full mempool, say) leaves our nonce count unsure; ask the node.
                    s.nonce()[0] = client.balance(s.key().address()).path("nonce").asLong();
                }
            }
        }

        private static long waitForEmptyMempool(NodeClient client) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline) {
                JsonNode st = client.status();
                if (st.path("mempool_size").asLong() == 0) return st.path("height").asLong();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            throw new Errors.CliException(Cpc.EXIT_FAILED, "the mempool did not drain within 120 s");
        }

        private static JsonNode block(NodeClient client, long height) {
            return NodeClient.require(client.get("/block/" + height));
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

    @Command(name = "dispatch", description = {
        "PoC validator dispatch: jobs/s through the /worker WebSocket round trip with the smallest jobs (synthetic 2×2),",
        "a validator on loopback (an L1 that includes at once) and WebSocket clients answering at once, in this",
        "process or (--separate-clients) in a child JVM."})
    static final class Dispatch implements Runnable {
        @Option(names = "--jobs", defaultValue = "30000", description = "Jobs (default: ${DEFAULT-VALUE}).")
        int jobs;
        @Option(names = "--warmup", defaultValue = "" + org.cpc.poc.bench.DispatchBenchmark.DEFAULT_WARMUP,
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
                org.cpc.poc.bench.DispatchBenchmark.run(System.out, jobs, warmup, workers, separate, clientCpus);
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
            org.cpc.compute.bench.FreivaldsBenchmark.run(System.out, n, Runtime.getRuntime().availableProcessors());
        }
    }
}
