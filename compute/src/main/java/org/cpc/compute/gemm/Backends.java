package org.cpc.compute.gemm;

import java.util.Locale;

/** Chooses a GEMM backend by the name a user gives ({@code --backend auto|cpu|cuda}). */
public final class Backends {
    private Backends() {}

    /**
     * "cpu": oneDNN when it loads, else the pure-Java path (the choice and the reason are in the description);
     * "auto": CUDA when available, else "cpu"; "cuda": the GPU backend.
     *
     * @throws IllegalArgumentException for an unknown name or a bad thread count
     * @throws IllegalStateException when "cuda" is asked for and cannot be used
     */
    public static ComputeBackend select(String name, int threads) {
        GemmBackend.checkThreads(threads);
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            // "auto" will prefer CUDA once this build has a GPU backend; until then it is "cpu".
            case "auto", "cpu" -> cpu(threads);
            case "cuda" -> cuda();
            default -> throw new IllegalArgumentException("unknown compute backend '" + name
                    + "': use auto, cpu or cuda");
        };
    }

    /** The pure-Java path regardless of oneDNN, for comparisons and for machines where oneDNN misbehaves. */
    public static ComputeBackend java(int threads) {
        requireVectorApi("");
        return new ComputeBackend("cpu", new JavaGemm(threads), "");
    }

    private static ComputeBackend cpu(int threads) {
        if (OneDnnGemm.isAvailable()) return new ComputeBackend("cpu", new OneDnnGemm(threads), "");
        String why = "oneDNN not used: " + OneDnnGemm.unavailableReason();
        requireVectorApi(why);
        return new ComputeBackend("cpu", new JavaGemm(threads), why);
    }

    /** Without the incubator module JavaGemm cannot even load; say how to fix that rather than fail obscurely. */
    private static void requireVectorApi(String context) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException((context.isEmpty() ? "" : context + "; ")
                    + "the pure-Java GEMM needs the Vector API: run java with --add-modules jdk.incubator.vector");
        }
    }

    private static ComputeBackend cuda() {
        throw new IllegalStateException("the CUDA backend is not available in this build: GPU support is not"
                + " implemented yet; use --backend cpu (or auto)");
    }
}
