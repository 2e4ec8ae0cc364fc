package org.cpc.worker;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;
import org.cpc.compute.gemm.GemmBackend;

/**
 * A GEMM backend that counts what passes through it: int8 operations (2·m·k·n per call) and the time spent, so an
 * operator sees the worker's real throughput (rate of ops over rate of seconds) rather than a start-up estimate.
 * Every call is delegated unchanged; results stay bit-identical.
 */
final class MeteredGemm implements GemmBackend {
    private final GemmBackend inner;
    private final LongAdder ops;
    private final LongAdder nanos;

    MeteredGemm(GemmBackend inner, LongAdder ops, LongAdder nanos) {
        this.inner = inner;
        this.ops = ops;
        this.nanos = nanos;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public int threads() {
        return inner.threads();
    }

    @Override
    public GemmBackend withThreads(int threads) {
        return new MeteredGemm(inner.withThreads(threads), ops, nanos);
    }

    @Override
    public void gemm(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n) {
        long t0 = System.nanoTime();
        inner.gemm(a, b, c, m, k, n);
        nanos.add(System.nanoTime() - t0);
        ops.add(2L * m * k * n);
    }
}
