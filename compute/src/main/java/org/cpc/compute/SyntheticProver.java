package org.cpc.compute;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MerkleTree;

/** Computes a synthetic task v1 in full: A, B, C = A·B, the row commitment, the challenge and its proof. */
public final class SyntheticProver {
    private final GemmBackend backend;

    public SyntheticProver(GemmBackend backend) {
        this.backend = backend;
    }

    public SyntheticResult prove(String blockHash, long height, String workerAddress, int n, int k) {
        if (height < 0) throw new IllegalArgumentException("block height must not be negative, got " + height);
        SyntheticTask task = SyntheticTask.of(blockHash, workerAddress, n, k);
        // Native memory: C alone is 4·n² bytes, and oneDNN reads native segments without pausing the GC.
        // Shared, because a multi-threaded GEMM touches it from several threads.
        try (Arena arena = Arena.ofShared()) {
            long t0 = System.nanoTime();
            MemorySegment a = arena.allocate((long) n * n);
            MemorySegment b = arena.allocate((long) n * n);
            generate(task, MatrixGenerator.Operand.A, a);
            generate(task, MatrixGenerator.Operand.B, b);
            long t1 = System.nanoTime();
            MemorySegment c = arena.allocate(ValueLayout.JAVA_INT, (long) n * n);
            backend.gemm(a, b, c, n, n, n);
            long t2 = System.nanoTime();
            MerkleTree tree = RowCommitment.commit(c, n);
            long t3 = System.nanoTime();
            int[] rows = Challenge.rows(tree.root(), task.taskId(), n, k);
            String proof = SyntheticProof.encode(tree, rows);
            long t4 = System.nanoTime();
            return new SyntheticResult(task.taskId(), Hex.encode(tree.root()), proof, height,
                    new ProverTimings(t1 - t0, t2 - t1, t3 - t2, t4 - t3));
        }
    }

    /** Generates in slices of rows through a heap buffer: the JDK's cipher writes fastest into arrays. */
    private static void generate(SyntheticTask task, MatrixGenerator.Operand operand, MemorySegment dest) {
        int n = task.n();
        int rowsPerSlice = Math.max(1, (1 << 20) / n);
        byte[] slice = new byte[rowsPerSlice * n];
        for (int r0 = 0; r0 < n; r0 += rowsPerSlice) {
            int r1 = Math.min(n, r0 + rowsPerSlice);
            MatrixGenerator.generateRows(task.seedUnsafe(), operand, n, r0, r1, slice, 0);
            MemorySegment.copy(slice, 0, dest, ValueLayout.JAVA_BYTE, (long) r0 * n, (r1 - r0) * n);
        }
    }
}
