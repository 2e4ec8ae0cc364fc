package org.cpc.compute;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MerkleTree;

/**
 * Computes a synthetic task v1 in full: A, B, C = A·B, the row commitment, the challenge and its proof.
 * One proof at a time per prover (calls are serialised); a worker that proves in parallel uses one per thread.
 */
public final class SyntheticProver {
    private final GemmBackend backend;
    private Buffers buffers;

    public SyntheticProver(GemmBackend backend) {
        this.backend = backend;
    }

    public synchronized SyntheticResult prove(String blockHash, long height, String workerAddress, int n, int k) {
        if (height < 0) throw new IllegalArgumentException("block height must not be negative, got " + height);
        SyntheticTask task = SyntheticTask.of(blockHash, workerAddress, n, k);
        long[] t = new long[4];
        MerkleTree tree = commit(task, t);
        int[] rows = Challenge.rows(tree.root(), task.taskId(), n, k);
        String proof = SyntheticProof.encode(tree, rows);
        long t4 = System.nanoTime();
        return new SyntheticResult(task.taskId(), Hex.encode(tree.root()), proof, height,
                new ProverTimings(t[1] - t[0], t[2] - t[1], t[3] - t[2], t4 - t[3]));
    }

    /**
     * Steps 3 to 5 of the task in full: A and B, C = A·B, the tree over C's rows (its root is result_hash). What a
     * full audit recomputes ({@link SyntheticAudit}); {@code marks} gets the clock before each step and after the last.
     */
    synchronized MerkleTree commit(SyntheticTask task, long[] marks) {
        int n = task.n();
        Buffers m = buffers(n);
        marks[0] = System.nanoTime();
        generate(task, MatrixGenerator.Operand.A, m.a());
        generate(task, MatrixGenerator.Operand.B, m.b());
        marks[1] = System.nanoTime();
        backend.gemm(m.a(), m.b(), m.c(), n, n, n);
        marks[2] = System.nanoTime();
        MerkleTree tree = RowCommitment.commit(m.c(), n);
        marks[3] = System.nanoTime();
        return tree;
    }

    /**
     * Native matrices, kept from one proof to the next: fresh memory for every product made oneDNN's multi-threaded
     * GEMM erratic here (3 to 60 ms at n = 1024 against a steady 2.5 ms on reused memory). Native, because C alone
     * is 4·n² bytes and oneDNN reads native segments without pausing the GC; from an automatic arena, because a
     * multi-threaded GEMM touches them from several threads and the GC frees them with the prover.
     */
    private Buffers buffers(int n) {
        if (buffers == null || buffers.n() != n) {
            buffers = null; // let the old matrices go before allocating new ones
            Arena arena = Arena.ofAuto();
            long cells = (long) n * n;
            buffers = new Buffers(n, arena.allocate(cells, 64), arena.allocate(cells, 64),
                    arena.allocate(ValueLayout.JAVA_INT, cells));
        }
        return buffers;
    }

    private record Buffers(int n, MemorySegment a, MemorySegment b, MemorySegment c) {}

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
