package org.cpc.bench.chain;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.cpc.chain.Admission;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.LocalChain;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.TxRules;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * CPU per transaction of each stage a transfer goes through on one node, measured on one thread with the thread's
 * CPU clock (so other load on the machine does not count): the client's signing and encoding, then the node's
 * parse (strict JSON → transaction), hash (canonical re-encoding + SHA-256), signature check, admission (the
 * mempool's checks and insertion, its signature already memoized), execution (building the block: state reads,
 * execution, the state tree update) and commit (ML-DSA block signature, the atomic RocksDB write, the mempool's
 * clean-up). Each stage runs over every transaction once for warm-up on a throw-away chain, then once measured.
 * HTTP is not in it: {@code cpc bench tps} measures the whole path, and the difference is the HTTP layer's.
 */
public final class IngestStages {
    private IngestStages() {}

    public static void run(PrintWriter out, int txCount, Path dir) throws Exception {
        BenchAccounts a = BenchAccounts.of("stages", Math.max(1, txCount / 32));
        out.printf("%,d transfers from %,d senders, secp256k1 %s, one thread%n", txCount, a.senders(),
                Secp256k1.get().backend());
        long[] warm = pass(a, txCount, dir.resolve("warm"));
        long[] measured = pass(a, txCount, dir.resolve("measured"));
        String[] names = {"client: build + sign", "client: canonical JSON", "node: parse (strict JSON → tx)",
            "node: hash (JCS + SHA-256)", "node: signature (secp256k1 verify)", "node: admission (mempool checks, insert)",
            "node: execution (build the block, state tree)", "node: commit (sign, RocksDB write, mempool clean-up)"};
        out.println("| stage | CPU µs per transaction |");
        out.println("| --- | --- |");
        long node = 0;
        for (int i = 0; i < names.length; i++) {
            out.printf("| %s | %.1f |%n", names[i], measured[i] / 1000.0 / txCount);
            if (i >= 2) node += measured[i];
        }
        out.printf("| node total (parse to commit) | %.1f |%n", node / 1000.0 / txCount);
        out.printf("(warm-up pass, same stages: %.1f µs per transaction at the node)%n",
                Stream.of(2, 3, 4, 5, 6, 7).mapToLong(i -> warm[i]).sum() / 1000.0 / txCount);
        deleteTree(dir);
    }

    private static long[] pass(BenchAccounts a, int txCount, Path dir) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] ns = new long[8];
        long t = cpu.getCurrentThreadCpuTime();
        List<Transaction> txs = new ArrayList<>(txCount);
        for (int n = 0; txs.size() < txCount; n++) {
            for (int i = 0; i < a.senders() && txs.size() < txCount; i++) txs.add(a.transfer(i, n));
        }
        t = lap(cpu, t, ns, 0);
        List<byte[]> wire = new ArrayList<>(txCount);
        for (Transaction tx : txs) wire.add(Jcs.canonicalize(tx.toJson()));
        t = lap(cpu, t, ns, 1);
        List<Transaction> parsed = new ArrayList<>(txCount);
        for (byte[] b : wire) parsed.add(Transaction.fromJson(Json.parse(b)));
        t = lap(cpu, t, ns, 2);
        List<PreparedTx> prepared = new ArrayList<>(txCount);
        for (Transaction tx : parsed) prepared.add(PreparedTx.of(tx));
        t = lap(cpu, t, ns, 3);
        for (PreparedTx pt : prepared) {
            try {
                TxRules.checkSignature(pt);
            } catch (TxRejected e) {
                throw new IllegalStateException(e.reason());
            }
        }
        t = lap(cpu, t, ns, 4);
        long[] clock = {a.genesis().timestampMs()};
        LocalChain.Options o = LocalChain.Options.defaults().withClock(() -> clock[0] + 10_000)
                .withMempool(64, Math.max(20_000, txCount), 3_600_000);
        try (LocalChain c = LocalChain.open(dir, a.genesis(), o)) {
            t = cpu.getCurrentThreadCpuTime();
            // The whole admission on this thread, hash and signature included: those two stages are taken off.
            for (Transaction tx : parsed) {
                if (c.submit(tx) instanceof Admission.Rejected r) throw new IllegalStateException("rejected: " + r.reason());
            }
            t = lap(cpu, t, ns, 5);
            ns[5] = Math.max(0, ns[5] - ns[3] - ns[4]);
            while (c.mempoolSize() > 0) {
                clock[0] += 1000;
                String v = a.genesis().validators().getFirst().address();
                Block b = BlockSigner.sign(c.propose(v, 0, clock[0]), a.validatorKey().getPrivate());
                t = lap(cpu, t, ns, 6);
                c.commit(b, BlockSigner.soleCommit(b, c.params().chainId(), a.validatorKey().getPrivate(), v));
                t = lap(cpu, t, ns, 7);
                if (b.transactions().isEmpty()) throw new IllegalStateException("the mempool did not drain");
            }
        }
        return ns;
    }

    private static long lap(ThreadMXBean cpu, long since, long[] ns, int stage) {
        long now = cpu.getCurrentThreadCpuTime();
        ns[stage] += now - since;
        return now;
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        }
    }
}
