package org.cpc.compute.gemm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * oneDNN's {@code dnnl_gemm_s8s8s32} bound through FFM, loaded once on first use. The library has no headers on
 * Debian, so the prototype is declared here from the oneDNN 2.x C API:
 * {@code dnnl_status_t dnnl_gemm_s8s8s32(char transa, char transb, char offsetc, dnnl_dim_t M, N, K, float alpha,
 * const int8_t *A, dnnl_dim_t lda, int8_t ao, const int8_t *B, dnnl_dim_t ldb, int8_t bo, float beta,
 * int32_t *C, dnnl_dim_t ldc, const int32_t *co)}, row-major, dnnl_dim_t = int64.
 */
final class OneDnnLibrary {
    static final String SONAME = "libdnnl.so.2";

    /**
     * The loaded library. {@code matmul} is its matmul primitive, or a String saying why that cannot be used (then
     * only the BLAS-like GEMM is).
     */
    record Binding(MethodHandle gemm, MethodHandle gemmOnHeap, MethodHandle setOmpThreads, MemorySegment zeroOffset,
            String version, String isa, Object matmul) {}

    private static final Object STATE = load(SONAME);

    private OneDnnLibrary() {}

    static Optional<Binding> binding() {
        return STATE instanceof Binding b ? Optional.of(b) : Optional.empty();
    }

    /** Why the library is unavailable; empty when it is available. */
    static String unavailableReason() {
        return STATE instanceof String reason ? reason : "";
    }

    /** The binding to the named library, or a String saying why there is none. */
    static Object load(String soname) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException e) {
            return soname + " was not found (install oneDNN, e.g. apt-get install libdnnl2): " + e.getMessage();
        } catch (IllegalCallerException e) {
            return "native access is disabled; run java with --enable-native-access=ALL-UNNAMED";
        }
        Optional<MemorySegment> gemm = lib.find("dnnl_gemm_s8s8s32");
        if (gemm.isEmpty()) return soname + " has no dnnl_gemm_s8s8s32 symbol; oneDNN 1.0 or newer is needed";
        var d = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_BYTE, ValueLayout.JAVA_BYTE, ValueLayout.JAVA_BYTE,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_BYTE,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_BYTE,
                ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        MethodHandle gemmHandle = linker.downcallHandle(gemm.get(), d);
        // Heap arrays may be passed without a copy only to a "critical" call, which holds off the GC while it
        // runs; that is fine for the verifier's short products and avoided for large native ones.
        MethodHandle onHeap = linker.downcallHandle(gemm.get(), d, Linker.Option.critical(true));

        // oneDNN runs on OpenMP; the thread count is a per-calling-thread setting, so it is set before each call.
        MethodHandle setThreads = lib.find("omp_set_num_threads")
                .or(() -> openOptional("libgomp.so.1").flatMap(l -> l.find("omp_set_num_threads")))
                .map(s -> linker.downcallHandle(s, FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)))
                .orElse(null);

        MemorySegment zero = Arena.global().allocate(ValueLayout.JAVA_INT);
        String version = version(linker, lib);
        return new Binding(gemmHandle, onHeap, setThreads, zero, version, isa(linker, lib),
                OneDnnMatmul.load(linker, lib, version));
    }

    private static Optional<SymbolLookup> openOptional(String name) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String version(Linker linker, SymbolLookup lib) {
        // const dnnl_version_t *dnnl_version(void); the struct starts with int major, minor, patch.
        return lib.find("dnnl_version").map(s -> {
            try {
                MemorySegment v = ((MemorySegment) linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.ADDRESS))
                        .invokeExact()).reinterpret(12);
                return v.get(ValueLayout.JAVA_INT, 0) + "." + v.get(ValueLayout.JAVA_INT, 4) + "."
                        + v.get(ValueLayout.JAVA_INT, 8);
            } catch (Throwable t) {
                return "(version unknown)";
            }
        }).orElse("(version unknown)");
    }

    private static String isa(Linker linker, SymbolLookup lib) {
        return lib.find("dnnl_get_effective_cpu_isa").map(s -> {
            try {
                int isa = (int) linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT)).invokeExact();
                return isaName(isa);
            } catch (Throwable t) {
                return "ISA unknown";
            }
        }).orElse("ISA unknown");
    }

    /** Names of dnnl_cpu_isa_t values in oneDNN 2.x. */
    private static String isaName(int isa) {
        return switch (isa) {
            case 0x1 -> "SSE4.1";
            case 0x3 -> "AVX";
            case 0x7 -> "AVX2";
            case 0x407 -> "AVX2 VNNI";
            case 0x27 -> "AVX-512";
            case 0x67 -> "AVX-512 VNNI";
            case 0xe7 -> "AVX-512 VNNI+BF16";
            case 0x3e7, 0xfe7 -> "AMX";
            default -> "ISA 0x" + Integer.toHexString(isa);
        };
    }
}
