package org.cpc.compute.gemm;

/** The obvious triple loop in long arithmetic, checked to fit int32: the definition every backend must meet. */
final class ReferenceGemm {
    private ReferenceGemm() {}

    static int[] multiply(byte[] a, byte[] b, int m, int k, int n) {
        int[] c = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long sum = 0;
                for (int p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
                c[i * n + j] = Math.toIntExact(sum);
            }
        }
        return c;
    }
}
