package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cpc.bench.compute.AuditBenchmark;
import org.cpc.bench.compute.GemmBenchmark;
import org.cpc.bench.compute.VerifyBenchmark;
import org.cpc.protocol.params.NetworkParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code cpc bench} group: the node throughput benchmark is {@link BenchTpsCommand}, the others are here. */
@Command(name = "bench", description = "Benchmarks: node throughput, GEMM backends, synthetic proof verification.",
        subcommands = {BenchTpsCommand.class, BenchCommand.Stages.class, BenchCommand.PruningGrowthCommand.class,
            BenchCommand.Delegators.class, BenchCommand.StateSyncCommand.class, BenchCommand.Gemm.class,
            BenchCommand.Verify.class, BenchCommand.Dispatch.class, BenchCommand.FreivaldsCheck.class,
            BenchCommand.Traces.class, BenchCommand.Fraud.class, BenchCommand.Audit.class})
final class BenchCommand extends GroupCommand {
    /** A benchmark that keeps its chains in a directory. */
    private interface OnDisk {
        void run(Path dir) throws Exception;
    }

    /** A benchmark's run in a directory, printing to {@code out}. */
    private interface Bench {
        void run(PrintWriter out, Path dir) throws Exception;
    }

    /**
     * A benchmark that keeps its chains in a new temporary directory: {@link #checked} checks its options (a usage
     * error) and returns the run; its failure is exit code 1, naming the benchmark by its command name.
     */
    private abstract static class InTempDir implements Runnable {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        abstract Bench checked();

        @Override
        public final void run() {
            Bench bench = checked();
            inDir(spec.name(), null, dir -> bench.run(spec.commandLine().getOut(), dir));
        }
    }

    /** Runs {@code bench} in {@code dir} (created if missing), or in a new temporary directory when it is null. */
    private static void inDir(String name, Path dir, OnDisk bench) {
        try {
            bench.run(dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("cpc-" + name + "-"));
        } catch (Exception e) {
            throw new Errors.CliException(Cpc.EXIT_FAILED, name + " benchmark failed: " + e);
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
            Errors.usageUnless(n >= 32 && n <= 4096, "--n must be 32..4096, not " + n);
            AuditBenchmark.run(spec.commandLine().getOut(), p.withSynthetic(n, p.syntheticSpotChecks()));
        }
    }

    @Command(name = "stages", description = {
        "CPU µs per transfer of each stage on one node, on one thread, without HTTP: client signing and encoding,",
        "parse, hash, signature check, admission, execution (block building), commit. A real RocksDB in a temp dir."})
    static final class Stages extends InTempDir {
        @Option(names = "--txs", defaultValue = "20000", description = "Transfers per pass (default: ${DEFAULT-VALUE}).")
        int txs;

        @Override
        Bench checked() {
            Errors.usageUnless(txs >= 1 && txs <= 1_000_000, "--txs must be 1..1000000");
            return (out, dir) -> org.cpc.bench.chain.IngestStages.run(out, txs, dir);
        }
    }

    @Command(name = "pruning", description = {
        "Disk growth per block of an archive store and a pruned one in the same run: the same blocks of signed",
        "transfers committed to each (real RocksDB), sizes taken after a flush and full compaction."})
    static final class PruningGrowthCommand extends InTempDir {
        @Option(names = "--blocks", defaultValue = "1000", description = "Blocks (default: ${DEFAULT-VALUE}).")
        int blocks;
        @Option(names = "--txs-per-block", defaultValue = "100", description = "Transfers per block (default: ${DEFAULT-VALUE}).")
        int txsPerBlock;
        @Option(names = "--keep", defaultValue = "" + org.cpc.chain.Pruning.MIN_KEEP,
                description = "Blocks the pruned store keeps (default: ${DEFAULT-VALUE}).")
        long keep;

        @Override
        Bench checked() {
            Errors.usageUnless(blocks >= 2 && txsPerBlock >= 1 && txsPerBlock <= 4000
                    && keep >= org.cpc.chain.Pruning.MIN_KEEP, "need --blocks >= 2, --txs-per-block 1..4000, --keep >= "
                    + org.cpc.chain.Pruning.MIN_KEEP);
            return (out, dir) -> org.cpc.bench.chain.PruningGrowth.run(out, blocks, txsPerBlock, keep, dir);
        }
    }

    @Command(name = "delegators", description = {
        "F1 flatness: the CPU a block costs (propose and commit, real RocksDB) on chains whose one validator has each",
        "given number of delegators, the same blocks measured on each; prints the median and its ratio to the first."})
    static final class Delegators extends InTempDir {
        @Option(names = "--counts", split = ",", defaultValue = "10,10000,100000", paramLabel = "N[,N..]",
                description = "Delegator counts, each a chain of its own (default: ${DEFAULT-VALUE}).")
        int[] counts;
        @Option(names = "--blocks", defaultValue = "20", description = "Measured blocks per chain (default: ${DEFAULT-VALUE}).")
        int blocks;
        @Option(names = "--accounts", paramLabel = "N", description = "Accounts funded at genesis besides the senders,"
                + " on every chain (default: the largest count; more makes a control of state size alone).")
        Integer accounts;

        private int most() {
            return counts.length == 0 ? 0 : java.util.Arrays.stream(counts).max().getAsInt();
        }

        private int acc() {
            return accounts == null ? most() : accounts;
        }

        @Override
        Bench checked() {
            Errors.usageUnless(blocks >= 1 && counts.length > 0
                    && java.util.Arrays.stream(counts).allMatch(n -> n >= 1 && n <= 1_000_000)
                    && acc() >= most() && acc() <= 1_000_000, "need --blocks >= 1, --counts in 1..1000000 and"
                    + " --accounts from the largest count to 1000000");
            return (out, dir) -> org.cpc.bench.chain.DelegatorScaling.run(out, counts, acc(), blocks, dir);
        }
    }

    @Command(name = "statesync", description = {
        "Joining a chain by state sync against replaying it: builds a one-validator chain of --blocks blocks over",
        "--accounts funded accounts (a snapshot of the last block), serves it from a node, and times a new node",
        "started with --state-sync until it has caught up with the head, then a node block-syncing from genesis (for",
        "up to 180 s) from each number of peers of --peers (the server and followers holding a copy of its chain).",
        "The accounts are funded by transfers in the first blocks. Real RocksDB, sockets on loopback."})
    static final class StateSyncCommand implements Runnable {
        @Option(names = "--blocks", defaultValue = "100000", description = "Blocks (default: ${DEFAULT-VALUE}).")
        int blocks;
        @Option(names = "--accounts", defaultValue = "100000", description = "Funded accounts (default: ${DEFAULT-VALUE}).")
        int accounts;
        @Option(names = "--peers", split = ",", defaultValue = "1", paramLabel = "N[,N..]", description = "Time block"
                + " sync from genesis from N peers, for each N in turn, 1 to 8 (e.g. 1,3; default: ${DEFAULT-VALUE}).")
        List<Integer> peers;
        @Option(names = "--dir", paramLabel = "DIR", description = "Where the nodes' data dirs go (default: a new temp dir).")
        Path dir;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Errors.usageUnless(blocks >= 20 && accounts >= 0 && accounts <= 10_000_000,
                    "need --blocks >= 20 and --accounts 0..10000000");
            Errors.usageUnless(!peers.isEmpty() && peers.stream().allMatch(n -> n >= 1 && n <= 8),
                    "need --peers of 1 to 8 each, e.g. 1,3");
            inDir("statesync", dir, work -> StateSyncBench.run(spec.commandLine().getOut(), blocks, accounts, peers, work));
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
            Errors.usageUnless(clientCpus == null || separate, "--client-cpus needs --separate-clients");
            Errors.usageUnless(jobs >= 1 && warmup >= 0 && workers >= 1 && workers <= 64,
                    "--jobs must be ≥ 1, --warmup ≥ 0 and --workers in [1, 64]");
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
    static final class Fraud extends InTempDir {
        @Option(names = "--proofs", defaultValue = "64", description = "Proofs, one per wrong job (default: ${DEFAULT-VALUE}).")
        int proofs;

        @Override
        Bench checked() {
            Errors.usageUnless(proofs >= 1 && proofs <= 1000, "--proofs must be 1..1000");
            return (out, dir) -> org.cpc.bench.chain.FraudProofBench.run(out, proofs, dir);
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
            Errors.usageUnless((model == null) == (input == null), "--model and --input go together");
            if (model != null) {
                org.cpc.bench.compute.InferenceTraceBenchmark.run(spec.commandLine().getOut(), model, input, threads);
            }
            else org.cpc.bench.compute.TraceBenchmark.run(System.out, n, threads);
        }
    }
}
