package org.cpc.compute.gemm;

import java.lang.foreign.MemorySegment;

/** int8 GEMM by oneDNN ({@code libdnnl.so.2}, AVX-512 VNNI where the CPU has it), reached through FFM. */
public final class OneDnnGemm implements GemmBackend {
    private static final byte NO_TRANSPOSE = 'N';
    private static final byte FIXED_OFFSET = 'F';
    private static final String[] STATUS = {"success", "out_of_memory", "invalid_arguments", "unimplemented",
            "iterator_ends", "runtime_error", "not_required"};

    private final int threads;
    private final OneDnnLibrary.Binding lib;

    /** @throws IllegalStateException with the reason when the library cannot be used; see {@link #isAvailable()} */
    public OneDnnGemm(int threads) {
        this.threads = GemmBackend.checkThreads(threads);
        this.lib = OneDnnLibrary.binding().orElseThrow(() -> new IllegalStateException(
                "oneDNN is not available: " + OneDnnLibrary.unavailableReason()));
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
        return "oneDNN " + lib.version() + " int8 GEMM (" + lib.isa() + "), " + threads
                + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public GemmBackend withThreads(int threads) {
        return threads == this.threads ? this : new OneDnnGemm(threads);
    }

    @Override
    public void gemm(MemorySegment a, MemorySegment b, MemorySegment c, int m, int k, int n) {
        GemmBackend.checkShape(a, b, c, m, k, n);
        boolean native_ = a.isNative() && b.isNative() && c.isNative();
        int status;
        try {
            if (lib.setOmpThreads() != null) lib.setOmpThreads().invokeExact(threads);
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

    private static String statusName(int status) {
        return status >= 0 && status < STATUS.length ? "dnnl_" + STATUS[status] : "status " + status;
    }
}
