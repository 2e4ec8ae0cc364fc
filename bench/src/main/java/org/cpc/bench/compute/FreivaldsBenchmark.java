package org.cpc.bench.compute;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.compute.market.Freivalds;

/**
 * {@code cpc bench freivalds}: what verifying a matmul task costs the PoC validator against what computing it costs a
 * worker. Computes C = A·B (n×n×n) with the CPU backend on every thread (best of 3), then runs Freivalds' check on one
 * thread over C in jobs of 256 rows (best of 3): the set-up (B·r, once per task) and the per-job checks, which read
 * every entry of C once. Prints MB/s of C verified per core and the verification's share of the compute time.
 */
public final class FreivaldsBenchmark {
    private FreivaldsBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        run(System.out, n, Runtime.getRuntime().availableProcessors());
    }

    public static void run(PrintStream out, int n, int threads) {
        ComputeBackend cpu = Backends.select("cpu", threads);
        int rowsPerJob = 256;
        // Shared: the pure-Java GEMM (the CPU backend without oneDNN) reads the matrices from all its threads.
        try (Arena arena = Arena.ofShared()) {
            long cells = (long) n * n;
            MemorySegment a = arena.allocate(cells, 64);
            MemorySegment b = arena.allocate(cells, 64);
            MemorySegment c = arena.allocate(ValueLayout.JAVA_INT, cells);
            SplittableRandom rnd = new SplittableRandom(1);
            for (long i = 0; i < cells; i += 8) {
                a.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rnd.nextLong());
                b.set(ValueLayout.JAVA_LONG_UNALIGNED, i, rnd.nextLong());
            }
            long compute = Long.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                cpu.gemm().gemm(a, b, c, n, n, n);
                compute = Math.min(compute, System.nanoTime() - t0);
            }
            // Job outputs as the validator receives them: little-endian bytes, one array per job.
            int jobs = (n + rowsPerJob - 1) / rowsPerJob;
            byte[][] outputs = new byte[jobs][];
            ValueLayout.OfInt le = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < jobs; j++) {
                int r0 = j * rowsPerJob;
                int rows = Math.min(n, r0 + rowsPerJob) - r0;
                outputs[j] = new byte[4 * rows * n];
                MemorySegment.copy(c, ValueLayout.JAVA_INT, 4L * r0 * n, MemorySegment.ofArray(outputs[j]), le, 0,
                        (long) rows * n);
            }
            long setup = Long.MAX_VALUE;
            long check = Long.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                Freivalds f = new Freivalds(a, b, n, n, new SecureRandom());
                long t1 = System.nanoTime();
                for (int j = 0; j < jobs; j++) {
                    int r0 = j * rowsPerJob;
                    int rows = Math.min(n, r0 + rowsPerJob) - r0;
                    if (f.check(r0, rows, outputs[j]) >= 0) throw new IllegalStateException("a correct C failed the check");
                }
                long t2 = System.nanoTime();
                setup = Math.min(setup, t1 - t0);
                check = Math.min(check, t2 - t1);
            }
            double cBytes = 4.0 * cells;
            double gops = 2.0 * n * n * (double) n / compute;
            out.printf("n=%d: compute (%s) %.1f ms = %.0f GOPS%n", n, cpu.description(), compute / 1e6, gops);
            out.printf("Freivalds (%d rounds, 1 thread): set-up B·r %.1f ms + %d job checks %.1f ms = %.1f ms;"
                            + " %.0f MB/s of C verified per core; %.1f%% of the compute time%n",
                    Freivalds.ROUNDS, setup / 1e6, jobs, check / 1e6, (setup + check) / 1e6, cBytes / check * 1e3,
                    100.0 * (setup + check) / compute);
        }
    }
}
