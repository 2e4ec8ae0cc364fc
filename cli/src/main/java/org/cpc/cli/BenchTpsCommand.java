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
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.cpc.client.NodeClient;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tps", description = {
    "Transfer throughput over HTTP: funds fresh accounts from the devnet faucet, then sends signed transfers",
    "from concurrent clients as fast as they are accepted. Prints accepted tx/s (admitted by POST /tx/send),",
    "committed tx/s (in blocks) and submit-to-final latency (from the POST to the block holding the transaction",
    "being served by node0). With --validators it starts its own devnet(s) in this process instead of --node.",
    "With --rate it paces the sending (open loop) and counts latency from each transaction's scheduled send time."})
final class BenchTpsCommand implements Runnable {
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
    @Option(names = "--warmup", defaultValue = "0", paramLabel = "S",
            description = "Seconds of sending first, as fast as accepted, that are not measured: the JIT compiles the"
                    + " node's hot paths (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--accounts", defaultValue = "256", description = "Fresh sender accounts (default: ${DEFAULT-VALUE}).")
    int accounts;
    @Option(names = "--batch", defaultValue = "0", paramLabel = "N",
            description = "Send up to N transactions per POST /tx/batch, one per sender of the client (so N is at"
                    + " most --accounts / --clients), instead of one per POST /tx/send (1.." + BATCH_LIMIT
                    + "; default: 0, one per request).")
    int batch;
    @Option(names = "--rate", paramLabel = "TX_PER_S|P%",
            description = "Offer a fixed rate instead of sending as fast as accepted: send times are fixed in advance"
                    + " (open loop) and each latency counts from the transaction's scheduled time. P% first measures"
                    + " the capacity (committed tx/s, saturated) on the same network, then offers P%% of it.")
    String rate;
    @Option(names = "--presign",
            description = "Sign the transfers before the clock starts (enough for the --rate, or for "
                    + PRESIGN_SATURATED_TPS + " tx/s when saturated), so that the load generator's signing does not"
                    + " share the cores with the node during the measurement, as a high-volume client signs on"
                    + " machines of its own.")
    boolean presign;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private static final int FAUCET_BATCH = 50;
    private static final int BATCH_LIMIT = 1000;
    private static final int PRESIGN_SATURATED_TPS = 20_000;

    /** Sender {@code id} of the measurement; {@code nonce[0]} is its next nonce. */
    private record Sender(int id, AccountKey key, long[] nonce) {}

    /** One measurement; latencies in ms, of the accepted transactions seen committed. */
    private record Figures(long offeredTps, long accepted, double acceptedTps, long committed, double committedTps,
                           long[] latencyMs, double cpuMicrosPerTx) {
        long percentile(int p) {
            return latencyMs.length == 0 ? -1 : latencyMs[Math.min(latencyMs.length - 1, latencyMs.length * p / 100)];
        }
    }

    @Override
    public void run() {
        if (clients < 1 || accounts < clients || duration < 1 || warmup < 0 || batch < 0 || batch > BATCH_LIMIT) {
            throw new Errors.CliException(Cpc.EXIT_USAGE, "need --clients >= 1, --accounts >= --clients, --duration >= 1,"
                    + " --warmup >= 0, --batch 0.." + BATCH_LIMIT);
        }
        OfferedRate offered;
        try {
            offered = rate == null ? null : OfferedRate.parse(rate);
        } catch (IllegalArgumentException e) {
            throw new Errors.CliException(Cpc.EXIT_USAGE, e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (validators == null) {
            measureAll(List.of(node.client()), offered, out);
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
            List<Figures> fs;
            try (LocalNetwork net = LocalNetwork.generate(dir, NetworkParams.devnet().withBlockTime(blockTimeMs), n)) {
                fs = measureAll(net.urls().stream().map(NodeClient::new).toList(), offered, out);
            } finally {
                DevnetCommand.deleteTree(dir);
            }
            for (Figures f : fs) {
                summary.add(String.format("| %d | %s | %,.0f | %,.0f | %d | %d | %.0f |", n,
                        f.offeredTps() == 0 ? "saturated" : String.format("%,d", f.offeredTps()), f.acceptedTps(),
                        f.committedTps(), f.percentile(50), f.percentile(99), f.cpuMicrosPerTx()));
            }
        }
        out.println();
        out.println("| validators | offered tx/s | accepted tx/s | committed tx/s | latency p50 ms | latency p99 ms"
                + " | CPU µs/tx |");
        out.println("| --- | --- | --- | --- | --- | --- | --- |");
        summary.forEach(out::println);
    }

    /**
     * Funds the senders from node0's faucet, sends the unmeasured warm-up, then one saturated or paced measurement,
     * or for a percentage the saturated one and then the paced one, all from the same senders.
     */
    private List<Figures> measureAll(List<NodeClient> nodes, OfferedRate offered, PrintWriter out) {
        List<Sender> senders = fund(nodes.getFirst(), nodes, out);
        if (warmup > 0) {
            out.printf("warming up for %d s (not counted)...%n", warmup);
            measure(nodes, senders, 0, warmup, out);
            out.println("-- end of warm-up; the measurement:");
        }
        if (offered == null) return List.of(measure(nodes, senders, 0, duration, out));
        if (!offered.relative()) return List.of(measure(nodes, senders, offered.txPerS(), duration, out));
        Figures capacity = measure(nodes, senders, 0, duration, out);
        long paced = offered.of(capacity.committedTps());
        out.printf("capacity %.0f committed tx/s; now offering %d%% of it: %d tx/s%n", capacity.committedTps(),
                offered.percentOfCapacity(), paced);
        return List.of(capacity, measure(nodes, senders, paced, duration, out));
    }

    /**
     * Client c sends to node c mod N for {@code seconds}; node0's blocks are read as they are committed to time each
     * transaction from its submission to its block.
     */
    private Figures measure(List<NodeClient> nodes, List<Sender> senders, long ratePerS, int seconds,
                            PrintWriter out) {
        NodeClient node0 = nodes.getFirst();
        NetworkParams params = NetworkParams.fromJson(node0.params());
        String sink = AccountKey.of(Secp256k1.randomPrivateKey()).address();
        PresignedTransfers signed = presign(senders, sink, params, ratePerS, seconds, out);
        long h0 = node0.status().path("height").asLong();
        out.printf("sending for %d s from %d clients over %d accounts to %d node%s, %s...%n", seconds, clients,
                accounts, nodes.size(), nodes.size() == 1 ? "" : "s",
                ratePerS == 0 ? "as fast as accepted" : "paced at " + ratePerS + " tx/s (open loop)");
        out.flush();

        ConcurrentHashMap<String, Long> submitted = new ConcurrentHashMap<>();
        FinalityWatcher watcher = new FinalityWatcher(node0, h0 + 1, submitted);
        Thread.ofPlatform().name("bench-finality").daemon(true).start(watcher);
        LongAdder accepted = new LongAdder();
        LongAdder rejected = new LongAdder();
        LongAccumulator maxLagNanos = new LongAccumulator(Math::max, 0);
        long cpu0 = processCpuNanos();
        ThreadCpu.Sample threads0 = ThreadCpu.sample();
        LongAdder clientCpu = new LongAdder();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<Sender> mine = new ArrayList<>();
            for (int i = c; i < senders.size(); i += clients) mine.add(senders.get(i));
            NodeClient target = nodes.get(c % nodes.size());
            SendSchedule schedule = SendSchedule.of(start, end, ratePerS, c, clients);
            Tally tally = new Tally(accepted, rejected, maxLagNanos, submitted, signed);
            Runnable client = batch == 0
                    ? () -> send(target, mine, sink, params, schedule, tally)
                    : () -> sendBatches(target, mine, sink, params, schedule, batch, tally);
            threads.add(Thread.ofPlatform().name("bench-client-" + c).start(() -> {
                try {
                    client.run();
                } finally {
                    // It ends before the last sample of the threads' CPU: it says what it spent itself.
                    clientCpu.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            }));
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
        Map<String, Long> byThread = ThreadCpu.between(threads0, ThreadCpu.sample(), cpu,
                Map.of(ThreadCpu.LOAD_GENERATOR, clientCpu.sum()));
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
        Figures f = new Figures(ratePerS, accepted.sum(), accepted.sum() / sendSeconds, committed,
                committed / commitSeconds, latencies, committed == 0 ? 0 : cpu / 1000.0 / committed);
        out.printf("accepted:  %d tx in %.1f s = %.0f tx/s (%d rejected)%n", accepted.sum(), sendSeconds,
                f.acceptedTps(), rejected.sum());
        if (ratePerS > 0) {
            out.printf("offered:   %d tx/s on a fixed schedule; the clients sent at most %d ms behind it%n", ratePerS,
                    maxLagNanos.get() / 1_000_000);
        }
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
        if (committed > 0) {
            StringBuilder b = new StringBuilder("CPU by thread, µs per committed tx:");
            for (Map.Entry<String, Long> g : byThread.entrySet()) {
                b.append(String.format(" %s %.0f;", g.getKey(), g.getValue() / 1000.0 / committed));
            }
            out.println(b.substring(0, b.length() - 1));
        }
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
            senders.add(new Sender(i, k, new long[] {0}));
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

    /**
     * The transfers for this measurement signed ahead (none without {@code --presign}): each sender's next nonces
     * for the offered rate over the duration.
     */
    private PresignedTransfers presign(List<Sender> senders, String sink, NetworkParams params, long ratePerS,
                                       int seconds, PrintWriter out) {
        if (!presign) return PresignedTransfers.none(senders.size());
        long tps = ratePerS > 0 ? ratePerS + ratePerS / 10 : PRESIGN_SATURATED_TPS;
        int perSender = (int) Math.min(Integer.MAX_VALUE, (tps * seconds + senders.size() - 1) / senders.size());
        long t0 = System.nanoTime();
        long[] next = senders.stream().mapToLong(s -> s.nonce()[0]).toArray();
        PresignedTransfers signed = PresignedTransfers.sign(senders.stream().map(Sender::key).toList(), next,
                perSender, sink, params);
        out.printf("signed %d transfers ahead in %.1f s (not measured)%n", signed.count(),
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return signed;
    }

    /** The counters every client adds to; {@code submitted} maps sender/nonce to the due time. */
    private record Tally(LongAdder accepted, LongAdder rejected, LongAccumulator maxLagNanos,
                         Map<String, Long> submitted, PresignedTransfers signed) {
        byte[] transfer(Sender s, String sink, NetworkParams params) {
            return signed.transfer(s.id(), s.key(), s.nonce()[0], sink, params);
        }
    }

    private static void send(NodeClient client, List<Sender> mine, String sink, NetworkParams params,
                             SendSchedule schedule, Tally tally) {
        int i = 0;
        for (long due; (due = schedule.awaitNext()) >= 0; ) {
            Sender s = mine.get(i++ % mine.size());
            byte[] tx = tally.transfer(s, sink, params);
            String key = FinalityWatcher.key(s.key().address(), s.nonce()[0]);
            // Recorded before the POST: the block holding it may be read before the POST returns.
            tally.submitted().put(key, due);
            tally.maxLagNanos().accumulate(System.nanoTime() - due);
            NodeClient.Reply r = client.sendEncodedTransaction(tx);
            if (r.ok()) {
                tally.accepted().increment();
                s.nonce()[0]++;
            } else {
                tally.submitted().remove(key);
                tally.rejected().increment();
                // A refusal (a full mempool, say) leaves our nonce count unsure; ask the node.
                s.nonce()[0] = client.balance(s.key().address()).path("nonce").asLong();
            }
        }
    }

    /**
     * Like {@link #send}, up to {@code size} transactions per {@code POST /tx/batch}, at most one per sender: a
     * refused transaction (a full mempool, say) then never leaves a later nonce of its sender pending behind a
     * gap, and the sender's next nonce is asked of the node as after a refusal one by one. Paced, a request
     * carries the transactions due by the time the first of it is (those a slow request left behind).
     */
    private static void sendBatches(NodeClient client, List<Sender> mine, String sink, NetworkParams params,
                                    SendSchedule schedule, int batch, Tally tally) {
        int size = Math.min(batch, mine.size());
        int i = 0;
        for (long first; (first = schedule.awaitNext()) >= 0; ) {
            List<byte[]> txs = new ArrayList<>(size);
            List<Sender> from = new ArrayList<>(size);
            List<String> keys = new ArrayList<>(size);
            long now = System.nanoTime();
            for (long due = first; ; ) {
                Sender s = mine.get(i++ % mine.size());
                txs.add(tally.transfer(s, sink, params));
                String key = FinalityWatcher.key(s.key().address(), s.nonce()[0]++);
                from.add(s);
                keys.add(key);
                tally.submitted().put(key, schedule.paced() ? due : now);
                tally.maxLagNanos().accumulate(now - due);
                if (txs.size() == size) break;
                due = schedule.peek();
                if (due < 0 || (schedule.paced() && due > now)) break;
                schedule.advance();
            }
            JsonNode results = NodeClient.require(client.sendEncodedTransactions(txs)).path("results");
            List<Sender> resync = new ArrayList<>();
            for (int k = 0; k < txs.size(); k++) {
                if ("received".equals(results.path(k).path("status").asText())) {
                    tally.accepted().increment();
                } else {
                    tally.submitted().remove(keys.get(k));
                    tally.rejected().increment();
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
