package org.cpc.bench.chain;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.chain.Admission;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Genesis;
import org.cpc.chain.LocalChain;
import org.cpc.chain.market.JobDigest;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.compute.market.TraceCommitment;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.MerkleTree;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * {@code cpc bench fraud}: what a FRAUD_PROOF costs a node in the transaction path, at the largest k (16,384; the
 * largest proof a transaction carries), against a TRANSFER in the same run. A real chain (RocksDB in a temp dir)
 * holds a matmul task of {@code proofs} one-row jobs, every one put on chain wrong by its PoC validator; then one
 * thread, timed by its CPU clock, runs: parse (strict JSON → transaction), admission (stateless rules with the proof's
 * strict reading, state reads, the signature, the proof's verification) and block execution (building the blocks:
 * the rules again, the two slashes, refund and bounty, the state tree) with commit, for the proofs and then for as
 * many transfers. The verifier alone is timed too, so its share of the path shows.
 */
public final class FraudProofBench {
    private static final String TASK = "00000000-0000-4000-8000-00000000f4a0";
    private static final int K = MatmulChallenge.MAX_K;
    private static final int N = 2048;

    private FraudProofBench() {}

    public static void run(PrintWriter out, int proofs, Path dir) throws Exception {
        BenchAccounts a = BenchAccounts.of("fraud", 4 + proofs);
        String poc = a.addr()[1], worker = a.addr()[2];
        Genesis g = new Genesis(a.params(), a.genesis().timestampMs(), a.genesis().alloc(), a.genesis().validators(),
                List.of(poc), a.addr()[3]);
        SplittableRandom rnd = new SplittableRandom(14);
        byte[] am = random(rnd, (long) proofs * K);
        byte[] bm = random(rnd, (long) K * N);
        ObjectNode payload = MatmulChallenge.payload(MemorySegment.ofArray(am), MemorySegment.ofArray(bm), proofs, K, N, 1);
        MerkleTree aTree = new MerkleTree(TraceCommitment.aLeaves(MemorySegment.ofArray(am), proofs, K));
        MerkleTree bTree = new MerkleTree(TraceCommitment.bLeaves(MemorySegment.ofArray(bm), K, N));
        byte[][] outputs = new byte[proofs][];
        for (int j = 0; j < proofs; j++) outputs[j] = random(rnd, 4L * N); // each row is wrong (almost surely)

        long[] clock = {g.timestampMs()};
        LocalChain.Options o = LocalChain.Options.defaults().withClock(() -> clock[0] + 10_000)
                .withMempool(proofs + 64, Math.max(20_000, 4 * proofs), 3_600_000);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        try (LocalChain c = LocalChain.open(dir.resolve("chain"), g, o)) {
            ObjectNode task = Json.object().put("task_id", TASK).put("challenge_type", "matmul");
            task.set("payload", payload);
            task.put("reward", Amounts.cpc(proofs).toString()).put("deadline", g.timestampMs() / 1000 + 3600);
            submitAll(c, List.of(tx(a, 0, TxType.CREATE_TASK, Amounts.cpc(proofs), task, 0),
                    tx(a, 2, TxType.BOND, Amounts.cpc(100), Json.object().put("role", "worker"), 0)));
            drain(c, a, clock, cpu, new long[2]);
            List<Transaction> results = new ArrayList<>();
            for (int j = 0; j < proofs; j++) {
                String rh = Hex.encode(MatmulChallenge.INSTANCE.resultHash(payload, j, outputs[j]));
                byte[] d = JobDigest.of(TASK, worker, rh, j);
                ComputeResult r = new ComputeResult(TASK, worker, rh, null, (long) j, JobDigest.sign(a.priv()[2], d));
                results.add(tx(a, 1, TxType.SUBMIT_RESULT, BigInteger.ZERO, r.toJson(), j));
            }
            submitAll(c, results);
            drain(c, a, clock, cpu, new long[2]);

            List<Transaction> frauds = new ArrayList<>();
            List<FraudProof> bare = new ArrayList<>();
            for (int j = 0; j < proofs; j++) {
                MerkleTree chunks = new MerkleTree(TraceCommitment.chunkLeaves(outputs[j], 0, N));
                int col = N - 1 - j % N;
                int chunk = col / TraceCommitment.CHUNK_ENTRIES;
                byte[] aRow = java.util.Arrays.copyOfRange(am, j * K, (j + 1) * K);
                byte[] bCol = new byte[K];
                for (int t = 0; t < K; t++) bCol[t] = bm[t * N + col];
                FraudProof p = new FraudProof(TASK, j, j, col, aRow, aTree.auditPath(j), bCol, bTree.auditPath(col),
                        java.util.Arrays.copyOfRange(outputs[j], chunk * TraceCommitment.CHUNK_BYTES,
                                chunk * TraceCommitment.CHUNK_BYTES + TraceCommitment.chunkBytes(N, chunk)),
                        chunks.auditPath(chunk), List.of());
                bare.add(p);
                frauds.add(tx(a, 0, TxType.FRAUD_PROOF, BigInteger.ZERO, p.toJson(), 1 + j));
            }
            List<Transaction> transfers = new ArrayList<>();
            for (int i = 0; i < proofs; i++) transfers.add(a.transfer(4 + i, 0));

            List<String> hashes = c.task(TASK).orElseThrow().jobs().stream().map(r -> r.resultHash()).toList();
            long verify = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int j = 0; j < proofs; j++) {
                    org.cpc.compute.market.FraudProofVerifier.verify(bare.get(j), payload, hashes.get(j));
                }
                verify = Math.min(verify, cpu.getCurrentThreadCpuTime() - t0);
            }
            long[] f = path(c, a, clock, cpu, frauds);
            long[] t = path(c, a, clock, cpu, transfers);
            int slashed = c.task(TASK).orElseThrow().disputes().size();
            if (slashed != proofs) throw new IllegalStateException(slashed + " of " + proofs + " jobs proven wrong");
            int bytes = Jcs.canonicalize(frauds.getFirst().toJson()).length;
            out.printf("%d FRAUD_PROOFs of k=%d, n=%d (%,d bytes each, gas %,d) and %d TRANSFERs, one thread, CPU time;"
                            + " secp256k1 %s%n", proofs, K, N, bytes,
                    GasSchedule.intrinsicGas(frauds.getFirst(), a.params()), proofs, Secp256k1.get().backend());
            out.println("| stage | FRAUD_PROOF µs | TRANSFER µs | ratio |");
            out.println("| --- | --- | --- | --- |");
            String[] names = {"parse (strict JSON → transaction)", "admission (rules, signature, proof)",
                "block execution (build: rules again, slashes, state tree)", "commit (block signature, RocksDB write)"};
            for (int i = 0; i < names.length; i++) {
                out.printf("| %s | %.1f | %.1f | %.1f× |%n", names[i], f[i] / 1e3 / proofs, t[i] / 1e3 / proofs,
                        f[i] / (double) Math.max(1, t[i]));
            }
            long ft = f[0] + f[1] + f[2] + f[3], tt = t[0] + t[1] + t[2] + t[3];
            out.printf("| whole path | %.1f | %.1f | %.1f× |%n", ft / 1e3 / proofs, tt / 1e3 / proofs, ft / (double) tt);
            out.printf("FraudProofVerifier.verify alone: %.1f µs per proof (best of 5 rounds)%n",
                    verify / 1e3 / proofs);
        }
        IngestStages.deleteTree(dir);
    }

    /** CPU ns of each stage for {@code txs}: parse, admission, block building, commit. */
    private static long[] path(LocalChain c, BenchAccounts a, long[] clock, ThreadMXBean cpu, List<Transaction> txs)
            throws Exception {
        List<byte[]> wire = txs.stream().map(tx -> Jcs.canonicalize(tx.toJson())).toList();
        long[] ns = new long[4];
        long t0 = cpu.getCurrentThreadCpuTime();
        List<Transaction> parsed = new ArrayList<>();
        for (byte[] b : wire) parsed.add(Transaction.fromJson(Json.parse(b)));
        long t1 = cpu.getCurrentThreadCpuTime();
        submitAll(c, parsed);
        long t2 = cpu.getCurrentThreadCpuTime();
        ns[0] = t1 - t0;
        ns[1] = t2 - t1;
        long[] build = new long[2];
        drain(c, a, clock, cpu, build);
        ns[2] = build[0];
        ns[3] = build[1];
        return ns;
    }

    private static void submitAll(LocalChain c, List<Transaction> txs) {
        for (Transaction tx : txs) {
            if (c.submit(tx) instanceof Admission.Rejected r) throw new IllegalStateException("rejected: " + r.reason());
        }
    }

    /** Produces blocks until the mempool is empty; adds the CPU ns of proposing and of committing to {@code ns}. */
    private static void drain(LocalChain c, BenchAccounts a, long[] clock, ThreadMXBean cpu, long[] ns)
            throws Exception {
        String v = a.genesis().validators().getFirst().address();
        while (c.mempoolSize() > 0) {
            clock[0] += 1000;
            long t0 = cpu.getCurrentThreadCpuTime();
            Block b = BlockSigner.sign(c.propose(v, 0, clock[0]), a.validatorKey().getPrivate());
            long t1 = cpu.getCurrentThreadCpuTime();
            c.commit(b, BlockSigner.soleCommit(b, c.params().chainId(), a.validatorKey().getPrivate(), v));
            ns[0] += t1 - t0;
            ns[1] += cpu.getCurrentThreadCpuTime() - t1;
            if (b.transactions().isEmpty()) throw new IllegalStateException("the mempool did not drain");
        }
    }

    private static Transaction tx(BenchAccounts a, int i, TxType type, BigInteger amount, ObjectNode payload,
                                  long nonce) {
        long gas = type == TxType.SUBMIT_RESULT ? GasSchedule.MARKET_RESULT_GAS
                : GasSchedule.intrinsicGas(type, payload, a.params());
        Transaction t = new Transaction(a.params().chainId(), type, a.addr()[i], null, amount,
                BigInteger.valueOf(gas * 1000), nonce, 1000, gas, 1_700_000_000L, a.pub()[i], payload, null);
        return t.withSignature(Hex.encode(Secp256k1.get().sign(a.priv()[i], t.hash())));
    }

    private static byte[] random(SplittableRandom rnd, long size) {
        byte[] out = new byte[Math.toIntExact(size)];
        for (int i = 0; i < out.length; i++) out[i] = (byte) rnd.nextInt();
        return out;
    }
}
