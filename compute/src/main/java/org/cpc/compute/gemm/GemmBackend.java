package org.cpc.compute.gemm;

import java.lang.foreign.MemorySegment;

/**
 * An exact int8 × int8 → int32 matrix product, row-major, no transposes: C (m×n) = A (m×k) · B (k×n).
 * Every implementation must give bit-identical results; the synthetic task's commitment depends on it.
 * Implementations are thread-safe: one instance may serve many callers at once.
 */
public interface GemmBackend {
    /** Short stable name, e.g. {@code onednn}, {@code java}. */
    String name();

    /** What it is and how many threads it uses, for a worker's status line. */
    String description();

    /** Threads one call may use. */
    int threads();

    /** The same backend using {@code threads} threads per call (a verifier wants 1 and runs calls in parallel). */
    GemmBackend withThreads(int threads);

    /**
     * C = A·B. {@code a} holds m·k bytes, {@code b} k·n bytes, {@code c} m·n int32 in the platform's byte order;
     * heap or native segments. C is overwritten.
     */
    void gemm(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n);

    /** Most threads a backend accepts. */
    int MAX_THREADS = 1024;

    static int checkThreads(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("thread count " + threads + " must be 1.." + MAX_THREADS);
        }
        return threads;
    }

    /** Rejects shapes the segments cannot hold, with the sizes in the message. */
    static void checkShape(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n) {
        if (m < 1 || k < 1 || n < 1) {
            throw new IllegalArgumentException("GEMM dimensions must be positive, got m=" + m + " k=" + k + " n=" + n);
        }
        need(a, (long) m * k, "A", m + "×" + k + " int8");
        need(b, (long) k * n, "B", k + "×" + n + " int8");
        need(c, 4L * m * n, "C", m + "×" + n + " int32");
    }

    private static void need(MemorySegment s, long bytes, String what, String shape) {
        if (s.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " is " + s.byteSize() + " bytes but a " + shape + " matrix needs "
                    + bytes);
        }
    }
}
