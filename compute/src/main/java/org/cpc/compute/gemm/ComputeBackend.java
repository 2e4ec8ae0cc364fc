package org.cpc.compute.gemm;

/**
 * The backend a worker or node computes with.
 *
 * @param kind "cpu" or "cuda"
 * @param gemm the GEMM implementation
 * @param note why this one was chosen over a faster one, or "" when it is the first choice
 */
public record ComputeBackend(String kind, GemmBackend gemm, String note) {
    /** For a status line, e.g. "cpu: oneDNN 2.6.3 int8 GEMM (AVX-512 VNNI), 2 threads". */
    public String description() {
        return kind + ": " + gemm.description() + (note.isEmpty() ? "" : " (" + note + ")");
    }
}
