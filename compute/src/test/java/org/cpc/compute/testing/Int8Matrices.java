package org.cpc.compute.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Matmul test inputs and the expected output, computed the plain way (three loops), independent of every GEMM
 * backend: shared by the compute, PoC validator and CLI tests through this module's test jar.
 */
public final class Int8Matrices {
    private Int8Matrices() {}

    /** A rows × cols int8 matrix, row-major, of random entries. */
    public static byte[] randomMatrix(Random rnd, int rows, int cols) {
        byte[] m = new byte[rows * cols];
        rnd.nextBytes(m);
        return m;
    }

    /** C = A·B for int8 A (m × k) and B (k × n), as int32 little-endian, row-major: a matmul job's output. */
    public static byte[] product(byte[] a, byte[] b, int m, int k, int n) {
        ByteBuffer out = ByteBuffer.allocate(4 * m * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int s = 0;
                for (int t = 0; t < k; t++) s += a[i * k + t] * b[t * n + j];
                out.putInt(s);
            }
        }
        return out.array();
    }
}
