package org.cpc.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MerkleTree;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The full audit recomputes C and catches a wrong entry the spot check let through; an honest result passes. */
class SyntheticAuditTest {
    private static final String BLOCK = "00000000000000000000000000000000000000000000000000000000000a0d17";
    private static final String WORKER = "cpc187fefza3704syhadgplfqyptdaqssue9uv7mum";
    private static final int N = 48, K = 6;

    static Stream<Supplier<GemmBackend>> backends() {
        return OneDnnGemm.isAvailable() ? Stream.of(() -> new JavaGemm(1), () -> new OneDnnGemm(1))
                : Stream.of(() -> new JavaGemm(1));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void passesTheHonestResultAndFailsOneWrongEntryThatDodgedTheSpotCheck(Supplier<GemmBackend> backend) {
        SyntheticAudit audit = new SyntheticAudit(backend);
        SyntheticResult honest = new SyntheticProver(new JavaGemm(1)).prove(BLOCK, 1, WORKER, N, K);
        assertThat(audit.audit(BLOCK, WORKER, N, K, honest.taskId(), honest.resultHash())).isEqualTo(Verification.OK);

        SyntheticTask task = SyntheticTask.of(BLOCK, WORKER, N, K);
        byte[] a = MatrixGenerator.generate(task.seed(), MatrixGenerator.Operand.A, N);
        byte[] b = MatrixGenerator.generate(task.seed(), MatrixGenerator.Operand.B, N);
        int[] c = new int[N * N];
        new JavaGemm(1).gemm(MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(c), N, N, N);
        int row = N - 1;
        for (int delta = 1; ; delta++) {
            int[] wrong = c.clone();
            wrong[row * N + 7] += delta;
            MerkleTree tree = RowCommitment.commit(MemorySegment.ofArray(wrong), N);
            int[] rows = Challenge.rows(tree.root(), task.taskId(), N, K);
            if (java.util.Arrays.stream(rows).anyMatch(r -> r == row)) continue;
            String root = Hex.encode(tree.root());
            assertThat(new SyntheticVerifier(new JavaGemm(1)).verify(BLOCK, WORKER, N, K, task.taskId(), root,
                    SyntheticProof.encode(tree, rows))).as("the spot check misses it").isEqualTo(Verification.OK);
            Verification v = audit.audit(BLOCK, WORKER, N, K, task.taskId(), root);
            assertThat(v.ok()).isFalse();
            assertThat(v.reason()).contains("is not the root of the recomputed C (its root is " + honest.resultHash());
            break;
        }
        assertThat(audit.audit(BLOCK, WORKER, N, K, "00000000-0000-8000-8000-000000000000", honest.resultHash())
                .reason()).contains("is not the task of block");
        assertThat(audit.audit(BLOCK, WORKER, N, K, honest.taskId(), "abc").ok()).isFalse();
    }
}
