package org.cpc.bench.compute;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.cpc.chain.audit.Audits;
import org.cpc.compute.SyntheticAudit;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.SyntheticVerifier;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;

/**
 * What the audits of synthetic results cost a validator: one full recomputation (A, B, C = A·B, the tree over C's
 * rows) on one thread for each available backend, the block's most ({@link Audits#MAX_RANDOM_AUDITS_PER_BLOCK}
 * random audits, plus the CHALLENGE_RESULTs a block's gas limit admits), and — the peer in the same run — the spot
 * check a SUBMIT_RESULT pays for, so that the audit's price at the proofs' gas rate can be compared with its time.
 */
public final class AuditBenchmark {
    private static final String BLOCK = "00000000000000000000000000000000000000000000000000000000000a0d17";
    private static final String WORKER = "cpc187fefza3704syhadgplfqyptdaqssue9uv7mum";
    private static final int RUNS = 15;
    private static final long WARM_NANOS = 3_000_000_000L;

    private AuditBenchmark() {}

    public static void run(PrintWriter out, NetworkParams p) {
        int n = p.syntheticMatrixSize(), k = p.syntheticSpotChecks();
        SyntheticResult r = new SyntheticProver(Backends.select("cpu", Runtime.getRuntime().availableProcessors())
                .gemm()).prove(BLOCK, 1, WORKER, n, k);
        long auditGas = GasSchedule.CHALLENGE_RESULT_GAS + GasSchedule.syntheticAuditGas(p);
        long challenges = p.blockGasLimit() / auditGas;
        out.printf("n=%d: a full audit is %,d gas (CHALLENGE_RESULT), the spot check %,d; a block (gas limit %,d)"
                + " holds %d challenges%n", n, auditGas, GasSchedule.syntheticProofGas(p), p.blockGasLimit(), challenges);
        List<Supplier<GemmBackend>> backends = new ArrayList<>();
        if (OneDnnGemm.isAvailable()) backends.add(() -> new OneDnnGemm(1));
        backends.add(() -> new JavaGemm(1));
        for (Supplier<GemmBackend> b : backends) {
            SyntheticAudit audit = new SyntheticAudit(b);
            SyntheticVerifier verifier = new SyntheticVerifier(b.get());
            double auditMs = median(() -> check(audit.audit(BLOCK, WORKER, n, k, r.taskId(), r.resultHash())));
            double verifyMs = median(() -> check(verifier.verify(BLOCK, WORKER, n, k, r.taskId(), r.resultHash(),
                    r.proof())));
            double pricedMs = verifyMs * GasSchedule.syntheticAuditGas(p) / GasSchedule.syntheticProofGas(p);
            out.printf("%s: full audit %.1f ms, spot check %.2f ms (audit/spot check %.1f×; gas ratio %.1f×);"
                            + " audit time / time its gas buys at the spot check's rate %.2f%n",
                    b.get().description(), auditMs, verifyMs, auditMs / verifyMs,
                    (double) GasSchedule.syntheticAuditGas(p) / GasSchedule.syntheticProofGas(p), auditMs / pricedMs);
            out.printf("  per block: %d random audits %.1f ms; with %d challenges as well %.1f ms (block time %d ms)%n",
                    Audits.MAX_RANDOM_AUDITS_PER_BLOCK, Audits.MAX_RANDOM_AUDITS_PER_BLOCK * auditMs, challenges,
                    (Audits.MAX_RANDOM_AUDITS_PER_BLOCK + challenges) * auditMs, p.blockTimeMs());
            out.flush();
        }
    }

    /**
     * The median of {@link #RUNS} timed runs, after untimed ones for at least {@link #WARM_NANOS} and 20 runs: on a
     * busy machine the JIT needs that many calls before the kernels are compiled.
     */
    private static double median(Runnable task) {
        long warmUntil = System.nanoTime() + WARM_NANOS;
        for (int i = 0; i < 20 || System.nanoTime() < warmUntil; i++) task.run();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }

    private static void check(Verification v) {
        if (!v.ok()) throw new IllegalStateException("the benchmark's own honest result failed: " + v.reason());
    }
}
