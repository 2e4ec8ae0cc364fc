package org.cpc.compute.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * int8 GEMM by oneDNN ({@code libdnnl.so.2}) reached through FFM: its matmul primitive ({@link OneDnnMatmul}: AMX
 * tiles where the CPU has them, else AVX-512 VNNI), or, where that cannot be made, the BLAS-like
 * {@code dnnl_gemm_s8s8s32}. The primitive reads native memory only, so heap operands are copied through per-thread
 * native buffers.
 */
public final class OneDnnGemm implements GemmBackend {
    private static final byte NO_TRANSPOSE = 'N';
    private static final byte FIXED_OFFSET = 'F';
    private static final String[] STATUS = {"success", "out_of_memory", "invalid_arguments", "unimplemented",
            "iterator_ends", "runtime_error", "not_required"};
    /**
     * Native buffers of finished calls, for the next ones: kept across threads because callers such as the inference
     * executor start fresh threads for every batch. At most {@link #MAX_POOLED} are kept.
     */
    private static final ConcurrentLinkedDeque<NativeBuffers> POOL = new ConcurrentLinkedDeque<>();
    private static final int MAX_POOLED = 64;

    /**
     * Products of fewer multiply-adds go to {@code dnnl_gemm_s8s8s32}: for them a call's fixed cost (a stream, memory
     * objects, a primitive per new shape) outweighs the faster kernel, and the verifier's many small, varied
     * products would fill the primitive cache.
     */
    static final long MATMUL_FROM_MACS = 1 << 18;

    private final int threads;
    private final OneDnnLibrary.Binding lib;
    /** Null when this instance uses only the BLAS-like GEMM. */
    private final OneDnnMatmul matmul;
    private final long matmulFromMacs;

    /** @throws IllegalStateException with the reason when the library cannot be used; see {@link #isAvailable()} */
    public OneDnnGemm(int threads) {
        this(threads, MATMUL_FROM_MACS);
    }

    /**
     * Products of at least {@code matmulFromMacs} multiply-adds through the matmul primitive, the others through
     * {@code dnnl_gemm_s8s8s32}; tests pass 0 or {@link Long#MAX_VALUE} to hold each path to the reference alone.
     */
    OneDnnGemm(int threads, long matmulFromMacs) {
        this.threads = GemmBackend.checkThreads(threads);
        this.lib = OneDnnLibrary.binding().orElseThrow(() -> new IllegalStateException(
                "oneDNN is not available: " + OneDnnLibrary.unavailableReason()));
        this.matmulFromMacs = matmulFromMacs;
        this.matmul = matmulFromMacs < Long.MAX_VALUE && lib.matmul() instanceof OneDnnMatmul m ? m : null;
    }

    public static boolean isAvailable() {
        return OneDnnLibrary.binding().isPresent();
    }

    /** Why oneDNN cannot be used, or "" when it can. */
    public static String unavailableReason() {
        return OneDnnLibrary.unavailableReason();
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public String description() {
        String path = matmul != null ? "int8 matmul primitive" + (matmulFromMacs > 0 ? " and GEMM" : "")
                : "int8 GEMM" + (lib.matmul() instanceof String why ? " (" + why + ")" : "");
        return "oneDNN " + lib.version() + " " + path + " (" + lib.isa() + "), " + threads
                + (threads == 1 ? " thread" : " threads");
    }

    /** oneDNN's name for the kernel that runs an m×k · k×n product here, e.g. {@code brg:avx512_core_amx_int8}. */
    public String kernel(int m, int k, int n) {
        OneDnnMatmul.Primitive p = usesMatmul(m, k, n) ? matmul.primitive(m, k, n) : null;
        if (p == null) return "dnnl_gemm_s8s8s32";
        matmul.release(p);
        return p.implementation();
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public GemmBackend withThreads(int threads) {
        return threads == this.threads ? this : new OneDnnGemm(threads, matmulFromMacs);
    }

    @Override
    public void gemm(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n) {
        GemmBackend.checkShape(a, b, c, m, k, n);
        try {
            // oneDNN runs on OpenMP, whose thread count is the calling thread's own setting.
            if (lib.setOmpThreads() != null) lib.setOmpThreads().invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("calling omp_set_num_threads failed: " + t, t);
        }
        OneDnnMatmul.Primitive p = usesMatmul(m, k, n) ? matmul.primitive(m, k, n) : null;
        if (p == null) {
            blas(a, b, c, m, k, n);
            return;
        }
        NativeBuffers buffers = Objects.requireNonNullElseGet(POOL.poll(), NativeBuffers::new);
        try {
            MemorySegment scratchpad = buffers.scratchpad(p.scratchpadBytes());
            long cBytes = 4L * m * n;
            if (a.isNative() && b.isNative() && c.isNative()) {
                matmul.run(p, a, b, c, scratchpad);
            } else {
                MemorySegment nc = c.isNative() ? c : buffers.c(cBytes);
                matmul.run(p, buffers.a(a, (long) m * k), buffers.b(b, (long) k * n), nc, scratchpad);
                if (nc != c) MemorySegment.copy(nc, 0, c, 0, cBytes);
            }
        } finally {
            matmul.release(p);
            if (POOL.size() < MAX_POOLED) POOL.push(buffers);
        }
    }

    private boolean usesMatmul(int m, int k, int n) {
        return matmul != null && (long) m * k * n >= matmulFromMacs;
    }

    private void blas(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n) {
        boolean native_ = a.isNative() && b.isNative() && c.isNative();
        int status;
        try {
            // alpha = 1, beta = 0 and zero offsets keep every int32 result exact.
            status = native_
                    ? (int) lib.gemm().invokeExact(NO_TRANSPOSE, NO_TRANSPOSE, FIXED_OFFSET, (long) m, (long) n, (long) k,
                            1.0f, a, (long) k, (byte) 0, b, (long) n, (byte) 0, 0.0f, c, (long) n, lib.zeroOffset())
                    : (int) lib.gemmOnHeap().invokeExact(NO_TRANSPOSE, NO_TRANSPOSE, FIXED_OFFSET, (long) m, (long) n,
                            (long) k, 1.0f, a, (long) k, (byte) 0, b, (long) n, (byte) 0, 0.0f, c, (long) n,
                            lib.zeroOffset());
        } catch (Throwable t) {
            throw new IllegalStateException("calling oneDNN's dnnl_gemm_s8s8s32 failed: " + t, t);
        }
        if (status != 0) {
            throw new IllegalStateException("oneDNN's dnnl_gemm_s8s8s32 returned " + statusName(status) + " for m=" + m
                    + " k=" + k + " n=" + n);
        }
    }

    static String statusName(int status) {
        return status >= 0 && status < STATUS.length ? "dnnl_" + STATUS[status] : "status " + status;
    }

    /**
     * One call's native copies of heap operands and its scratchpad, grown as needed (automatic arenas: the GC frees
     * what is outgrown); a native operand is used in place.
     */
    private static final class NativeBuffers {
        private MemorySegment a = MemorySegment.NULL;
        private MemorySegment b = MemorySegment.NULL;
        private MemorySegment c = MemorySegment.NULL;
        private MemorySegment scratchpad = MemorySegment.NULL;

        MemorySegment a(MemorySegment from, long bytes) {
            if (from.isNative()) return from;
            a = grow(a, bytes);
            return a.copyFrom(from.asSlice(0, bytes));
        }

        MemorySegment b(MemorySegment from, long bytes) {
            if (from.isNative()) return from;
            b = grow(b, bytes);
            return b.copyFrom(from.asSlice(0, bytes));
        }

        MemorySegment c(long bytes) {
            c = grow(c, bytes);
            return c;
        }

        MemorySegment scratchpad(long bytes) {
            if (bytes == 0) return MemorySegment.NULL;
            scratchpad = grow(scratchpad, bytes);
            return scratchpad;
        }

        private static MemorySegment grow(MemorySegment s, long bytes) {
            return s.byteSize() >= bytes ? s : Arena.ofAuto().allocate(Math.max(bytes, 2 * s.byteSize()), 64);
        }
    }
}
