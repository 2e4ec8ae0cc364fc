package org.cpc.bench.compute;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.cpc.compute.ProverTimings;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.SyntheticVerifier;
import org.cpc.compute.Verification;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;

/**
 * What a synthetic result costs: the worker's time per result with its breakdown, and verifications per second
 * on one thread for each available backend (the node verifies on one core per result, in parallel).
 */
public final class VerifyBenchmark {
    private static final String BLOCK = "00000000000000000000000000000000000000000000000000000000000b10c5";
    private static final String WORKER = "cpc187fefza3704syhadgplfqyptdaqssue9uv7mum";
    private static final long MEASURE_NANOS = 3_000_000_000L;

    private VerifyBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        run(System.out, n, k, Runtime.getRuntime().availableProcessors());
    }

    public static void run(PrintStream out, int n, int k, int workerThreads) {
        ComputeBackend worker = Backends.select("cpu", workerThreads);
        SyntheticProver prover = new SyntheticProver(worker.gemm());
        // The fastest of several results, after the JIT has compiled the ChaCha20 and SHA-256 intrinsics.
        SyntheticResult result = prover.prove(BLOCK, 1, WORKER, n, k);
        for (int i = 0; i < 30; i++) {
            SyntheticResult next = prover.prove(BLOCK, 1, WORKER, n, k);
            if (next.timings().totalNanos() < result.timings().totalNanos()) result = next;
        }
        ProverTimings t = result.timings();
        out.printf("worker (%s): %.2f ms per result = generate %.2f + multiply %.2f + hash %.2f + prove %.2f ms%n",
                worker.description(), ms(t.totalNanos()), ms(t.generateNanos()), ms(t.multiplyNanos()),
                ms(t.commitNanos()), ms(t.proveNanos()));

        List<GemmBackend> verifiers = new ArrayList<>();
        if (OneDnnGemm.isAvailable()) verifiers.add(new OneDnnGemm(1));
        verifiers.add(new JavaGemm(1));
        for (GemmBackend backend : verifiers) {
            SyntheticVerifier verifier = new SyntheticVerifier(backend);
            double perSecond = rate(verifier, result, n, k);
            out.printf("verify n=%d k=%d on %s: %.0f verifications/s (%.3f ms each), verify/compute time %.4f%n",
                    n, k, backend.description(), perSecond, 1000 / perSecond,
                    1e9 / perSecond / t.totalNanos());
        }
    }

    private static double rate(SyntheticVerifier verifier, SyntheticResult r, int n, int k) {
        // A count as well as a time: on a busy machine the JIT needs that many calls before the kernel is compiled.
        long warmUntil = System.nanoTime() + MEASURE_NANOS / 2;
        for (int i = 0; i < 300 || System.nanoTime() < warmUntil; i++) {
            check(verifier.verify(BLOCK, WORKER, n, k, r.taskId(), r.resultHash(), r.proof()));
        }
        long start = System.nanoTime();
        int count = 0;
        while (System.nanoTime() - start < MEASURE_NANOS) {
            check(verifier.verify(BLOCK, WORKER, n, k, r.taskId(), r.resultHash(), r.proof()));
            count++;
        }
        return count * 1e9 / (System.nanoTime() - start);
    }

    private static void check(Verification v) {
        if (!v.ok()) throw new IllegalStateException("the benchmark's own result failed verification: " + v.reason());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
