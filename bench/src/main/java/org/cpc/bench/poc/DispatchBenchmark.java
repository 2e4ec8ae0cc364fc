package org.cpc.bench.poc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.protocol.types.ComputeTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.market.PoolCodec;
import org.cpc.compute.market.PoolMessage.Challenge;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.Job;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolMessage.ServerMessage;
import org.cpc.compute.market.PoolMessage.Welcome;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.compute.market.PoolProtocolException;
import org.cpc.compute.market.SyntheticChallenge;
import org.cpc.poc.MarketClient;
import org.cpc.poc.PocConfig;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Amounts;

/**
 * {@code cpc bench dispatch}: jobs per second through the whole PoC validator path with empty jobs. A validator on
 * loopback (real Javalin WebSocket, real RocksDB, an L1 that includes at once) and W clients on the JDK WebSocket
 * client that authenticate like workers and answer each job as soon as it arrives with its output, computed before
 * the clock starts. The jobs are synthetic jobs of 2×2 matrices, the smallest there are: the validator does all it
 * does for any job (frame decoding, SHA-256, signature recovery, the spot-check verification, the durable job record,
 * the signed L1 transaction) on almost no arithmetic. Counts jobs accepted per second of wall time.
 *
 * <p>The clients sign every result, as workers do, so they cost about as much CPU as the validator. With
 * {@code separateClients} they run in a child JVM (the same java and class path), so the validator's figure is not
 * its in-process clients' garbage collection and JIT as well; on one machine they still share its cores, and the
 * child can be given cores of its own with {@code clientCpus} ({@code taskset -c}).
 */
public final class DispatchBenchmark {
    private static final Map<String, byte[]> OUTPUTS = new ConcurrentHashMap<>();

    private DispatchBenchmark() {}

    /** The child JVM's entry: {@code clients <worker url> <connections> <outputs file>}; prints "ready", then serves. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("clients")) {
            throw new IllegalArgumentException("usage: DispatchBenchmark clients <worker url> <connections> <outputs file>");
        }
        readOutputs(Path.of(args[3]));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[2]); i++) clients.add(Client.connect(args[1]));
        System.out.println("ready");
        System.out.flush();
        System.in.read(); // the parent closes our stdin (or dies) when it is done
        for (Client c : clients) c.ws.abort();
        System.exit(0);
    }

    /** Job outputs as lines of {@code <job id> <hex output>}. */
    private static void writeOutputs(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        for (var e : OUTPUTS.entrySet()) b.append(e.getKey()).append(' ').append(Hex.encode(e.getValue())).append('\n');
        Files.writeString(file, b);
    }

    private static void readOutputs(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            int sp = line.indexOf(' ');
            OUTPUTS.put(line.substring(0, sp), Hex.decode(line.substring(sp + 1)));
        }
    }

    public static double run(PrintStream out, int jobs, int workers) throws Exception {
        return run(out, jobs, DEFAULT_WARMUP, workers, false, null);
    }

    /**
     * Jobs run before the clock starts, so that the figure is the steady state: with 10,000 the JIT still spent
     * ~90 µs of CPU per measured job compiling, with 40,000 ~30 µs.
     */
    public static final int DEFAULT_WARMUP = 40_000;

    /**
     * Runs the benchmark; {@code separateClients} puts the worker clients in a child JVM, pinned to
     * {@code clientCpus} (a {@code taskset -c} list) when that is not null.
     */
    public static double run(PrintStream out, int jobs, int warmup, int workers, boolean separateClients,
                             String clientCpus) throws Exception {
        if (jobs < 1 || warmup < 0 || workers < 1 || workers > 64) {
            throw new IllegalArgumentException("jobs must be ≥ 1, warmup ≥ 0 and workers in [1, 64]");
        }
        int totalJobs = warmup + jobs;
        OUTPUTS.clear();
        Path dir = Files.createTempDirectory("cpc-dispatch");
        try {
            PocConfig config = PocConfig.defaults(dir).withPort(0).withDuplicateProbability(0).withMaxJobsPerWorker(256);
            AccountKey validator = AccountKey.of(Secp256k1.randomPrivateKey());
            LoopbackLedger ledger = new LoopbackLedger();
            try (PocValidator v = PocValidator.start(config, validator, ledger, InstantSource.system())) {
                MarketClient c = new MarketClient(v.url());
                AccountKey customer = AccountKey.of(Secp256k1.randomPrivateKey());
                int perTask = 10_000;
                int tasks = (totalJobs + perTask - 1) / perTask;
                long base = v.jobsAccepted();
                List<ComputeTask> published = new ArrayList<>();
                for (int t = 0; t < tasks; t++) {
                    ObjectNode p = Json.object();
                    p.put("seed", Hex.encode(Sha256.hash(new byte[] {(byte) t})));
                    p.put("matrix_size", 2);
                    p.put("iterations", Math.min(perTask, totalJobs - t * perTask));
                    ComputeTask task = MarketClient.newTask("synthetic", p, Amounts.cpc(1),
                            System.currentTimeMillis() / 1000 + 3600);
                    // The answers are computed before the clock starts: the clients answer at once, so what is
                    // measured is the validator's side of the round trip (it still verifies every output).
                    for (int i = 0; i < task.payload().path("iterations").asInt(); i++) {
                        OUTPUTS.put(task.taskId() + "/" + i,
                                SyntheticChallenge.INSTANCE.execute(p, task.taskId(), i, null, Client.GEMM));
                    }
                    published.add(task);
                }
                List<Client> clients = new ArrayList<>();
                Process child = null;
                if (separateClients) {
                    Path file = dir.resolve("outputs.txt");
                    writeOutputs(file);
                    child = startClients(v.workerUrl(), workers, file, clientCpus);
                } else {
                    for (int i = 0; i < workers; i++) clients.add(Client.connect(v.workerUrl()));
                }
                for (int t = 0; t < tasks; t++) {
                    c.createTask(MarketClient.createTaskTx(customer, ledger.params(), published.get(t), t,
                            System.currentTimeMillis() / 1000));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (v.jobsAccepted() - base <= warmup) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("no job was accepted in 2 minutes");
                    Thread.sleep(1);
                }
                long[] commits0 = v.store().commitCounts();
                Map<String, Long> threads0 = cpuByThreadGroup();
                long[] cpu0 = cpuByRole();
                long process0 = processCpuNanos();
                long child0 = child == null ? 0 : childCpuNanos(child);
                long t0 = System.nanoTime();
                long first = v.jobsAccepted();
                while (v.jobsAccepted() - base < totalJobs) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("timed out");
                    Thread.sleep(1);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                long[] cpu1 = cpuByRole();
                Map<String, Long> threads1 = cpuByThreadGroup();
                long process1 = processCpuNanos();
                long child1 = child == null ? 0 : childCpuNanos(child);
                long measured = totalJobs - (first - base);
                double rate = measured / secs;
                double validatorUs = (cpu1[0] - cpu0[0]) / 1e3 / measured;
                double clientUs = (cpu1[1] - cpu0[1]) / 1e3 / measured;
                int cores = Runtime.getRuntime().availableProcessors();
                out.printf("dispatch: %d empty jobs (after %d to warm up) over %d WebSocket workers in %.2f s = %.0f"
                        + " jobs/s (clients %s)%n", measured, totalJobs - measured, workers, secs, rate, child == null ? "in this process"
                                : "in a child JVM" + (clientCpus == null ? "" : " on CPUs " + clientCpus));
                if (child == null) {
                    out.printf("  CPU per job: PoC validator threads %.0f µs (%.0f jobs/s per core), worker clients %.0f µs"
                            + " (same process, same %d cores)%n", validatorUs, 1e6 / validatorUs, clientUs, cores);
                } else {
                    double processUs = (process1 - process0) / 1e3 / measured;
                    out.printf("  CPU per job: PoC validator threads %.0f µs (%.0f jobs/s per core), whole validator"
                            + " process %.0f µs (with GC, JIT, selectors: %.0f jobs/s per core), client JVM %.0f µs;"
                            + " %d cores%n", validatorUs, 1e6 / validatorUs, processUs, 1e6 / processUs,
                            (child1 - child0) / 1e3 / measured, cores);
                    child.getOutputStream().close();
                    child.waitFor(10, TimeUnit.SECONDS);
                    child.destroyForcibly();
                }
                if (!threads1.isEmpty()) {
                    StringBuilder b = new StringBuilder("  CPU per job by thread of this process (/proc):");
                    for (var e : threads1.entrySet()) {
                        double us = (e.getValue() - threads0.getOrDefault(e.getKey(), 0L)) / 1e3 / measured;
                        if (us >= 0.5) b.append(String.format(" %s %.0f µs,", e.getKey(), us));
                    }
                    out.println(b.substring(0, b.length() - 1));
                }
                long[] commits1 = v.store().commitCounts();
                long groups = commits1[0] - commits0[0];
                out.printf("  synced RocksDB writes: %d for %d queued writes (%.1f per fsync)%n", groups,
                        commits1[1] - commits0[1], (commits1[1] - commits0[1]) / (double) Math.max(1, groups));
                for (Client cl : clients) cl.ws.abort();
                return rate;
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Process startClients(String url, int workers, Path outputs, String cpus) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        // The Vector API: without oneDNN the clients' CPU backend is the pure-Java GEMM, which needs it.
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DispatchBenchmark.class.getName(), "clients", url,
                Integer.toString(workers), outputs.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        String line;
        while ((line = in.readLine()) != null && !line.equals("ready")) { } // skip the child's log lines
        if (line == null) throw new IllegalStateException("the client JVM exited before its clients were connected");
        return p;
    }

    /**
     * CPU time so far of this process's threads by kind, from /proc/self/task (Linux; empty elsewhere): the JVM's own
     * threads (GC, JIT) and RocksDB's are not Java threads, so the thread MXBean cannot see them.
     */
    private static Map<String, Long> cpuByThreadGroup() {
        Map<String, Long> out = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return out;
        long tick = 10_000_000L; // USER_HZ is 100 on Linux
        try (Stream<Path> s = Files.list(tasks)) {
            for (Path t : s.toList()) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] f = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                out.merge(group(stat.substring(open + 1, close)), ticks * tick, Long::sum);
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    private static String group(String comm) {
        if (comm.startsWith("market")) return "jetty";
        if (comm.startsWith("verify-")) return "verify-pool";
        if (comm.startsWith("poc-commit")) return "poc-commit";
        if (comm.startsWith("poc-")) return "poc-l1+ticker";
        if (comm.startsWith("HttpClient")) return "clients";
        if (comm.startsWith("GC ") || comm.startsWith("G1 ")) return "GC";
        if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) return "JIT";
        if (comm.startsWith("rocksdb")) return "rocksdb";
        return "other";
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long childCpuNanos(Process p) {
        return p.info().totalCpuDuration().map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("this OS does not report the client JVM's CPU time"));
    }

    /** CPU time so far of the validator's threads (Jetty "market", "verify-", "poc-") and of the clients' ("HttpClient"). */
    private static long[] cpuByRole() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long validator = 0;
        long clients = 0;
        for (java.lang.management.ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) continue;
            long t = mx.getThreadCpuTime(ti.getThreadId());
            if (t < 0) continue;
            String n = ti.getThreadName();
            if (n.startsWith("market") || n.startsWith("verify-") || n.startsWith("poc-")) validator += t;
            else if (n.startsWith("HttpClient")) clients += t;
        }
        return new long[] {validator, clients};
    }

    /** A minimal worker: authenticates, answers every job at once with 32 bytes of output. */
    private static final class Client implements WebSocket.Listener {
        static final GemmBackend GEMM = Backends.select("cpu", 1).gemm();
        final AccountKey key = AccountKey.of(Secp256k1.randomPrivateKey());
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        WebSocket ws;
        CompletableFuture<WebSocket> sends = CompletableFuture.completedFuture(null);

        static Client connect(String url) throws Exception {
            Client c = new Client();
            c.ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), c).get(10, TimeUnit.SECONDS);
            c.welcomed.get(10, TimeUnit.SECONDS);
            return c;
        }

        synchronized void send(String s) {
            sends = sends.thenCompose(w -> ws.sendText(s, true));
        }

        synchronized void send(ByteBuffer b) {
            sends = sends.thenCompose(w -> ws.sendBinary(b, true));
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String raw = text.toString();
                text.setLength(0);
                try {
                    handle(PoolCodec.decodeServerMessage(raw));
                } catch (PoolProtocolException e) {
                    w.sendClose(e.code().value(), e.closeReason());
                }
            }
            w.request(1);
            return null;
        }

        private void handle(ServerMessage m) {
            switch (m) {
                case Challenge c -> send(PoolCodec.encode(new Hello(key.address(),
                        key.signRecoverable(PoolProtocol.authDigest(c.nonce())), "bench", "", 0, 256)));
                case Welcome welcome -> welcomed.complete(null);
                case Job j -> {
                    byte[] out = OUTPUTS.get(j.jobId());
                    byte[] hash = Sha256.hash(out);
                    send(PoolCodec.encode(new JobResult(j.jobId(), hash, key.signRecoverable(PoolProtocol.resultDigest(
                            j.taskId(), key.address(), Hex.encode(hash), null, j.index())), out)));
                }
                default -> { } // acknowledgements: the benchmark counts accepted jobs at the validator
            }
        }
    }
}
