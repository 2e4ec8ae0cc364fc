package org.cpc.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SyntheticVerifierTest {
    private static final String BLOCK = "00000000000000000000000000000000000000000000000000000000000b10c5";
    private static final String WORKER = "cpc187fefza3704syhadgplfqyptdaqssue9uv7mum";
    private static final int N = 64;
    private static final int K = 8;

    static Stream<GemmBackend> backends() {
        return OneDnnGemm.isAvailable() ? Stream.of(new JavaGemm(1), new OneDnnGemm(1)) : Stream.of(new JavaGemm(1));
    }

    private static final SyntheticResult HONEST = new SyntheticProver(new JavaGemm(2)).prove(BLOCK, 5, WORKER, N, K);

    @ParameterizedTest
    @MethodSource("backends")
    void acceptsTheProversResult(GemmBackend backend) {
        assertThat(verify(backend, N, HONEST.taskId(), HONEST.resultHash(), HONEST.proof())).isEqualTo(Verification.OK);
    }

    @Test
    void acceptsAProofOfAnOddSizedTree() {
        SyntheticResult r = new SyntheticProver(new JavaGemm(1)).prove(BLOCK, 5, WORKER, 37, 5);
        assertThat(new SyntheticVerifier(new JavaGemm(1)).verify(BLOCK, WORKER, 37, 5, r.taskId(), r.resultHash(),
                r.proof())).isEqualTo(Verification.OK);
    }

    /**
     * A worker that changes one entry of C and commits to the changed matrix. The tampered row is chosen among those
     * the tampered commitment challenges, so the check must catch it whatever else happens.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void rejectsACommitmentToATamperedChallengedRow(GemmBackend backend) {
        SyntheticTask task = SyntheticTask.of(BLOCK, WORKER, N, K);
        int[] c = honestC(task);
        for (int row = 0; row < N; row++) {
            int[] tampered = c.clone();
            tampered[row * N + 3] ^= 1;
            MerkleTree tree = RowCommitment.commit(MemorySegment.ofArray(tampered), N);
            int[] challenged = Challenge.rows(tree.root(), task.taskId(), N, K);
            final int r = row;
            if (IntStream.of(challenged).noneMatch(x -> x == r)) continue;
            Verification v = verify(backend, N, task.taskId(), Hex.encode(tree.root()),
                    SyntheticProof.encode(tree, challenged));
            assertThat(v.ok()).isFalse();
            assertThat(v.reason()).startsWith("row " + row + " (challenge ").contains("does not open to result_hash");
            return;
        }
        throw new AssertionError("no tampered row was ever challenged");
    }

    @Test
    void rejectsAFlippedProofByte() {
        char[] proof = HONEST.proof().toCharArray();
        proof[100] = proof[100] == '0' ? '1' : '0';
        Verification v = verify(new JavaGemm(1), N, HONEST.taskId(), HONEST.resultHash(), new String(proof));
        assertThat(v.ok()).isFalse();
        assertThat(v.reason()).contains("does not open to result_hash");
    }

    @Test
    void rejectsAWrongResultHash() {
        byte[] root = Hex.decode(HONEST.resultHash());
        root[0] ^= 1;
        // A different root picks different rows, so the proof has the wrong shape or the wrong nodes.
        Verification v = verify(new JavaGemm(1), N, HONEST.taskId(), Hex.encode(root), HONEST.proof());
        assertThat(v.ok()).isFalse();
    }

    @Test
    void rejectsATruncatedProofBeforeComputing() {
        String proof = HONEST.proof().substring(0, HONEST.proof().length() - 64);
        Verification v = verify(new JavaGemm(1), N, HONEST.taskId(), HONEST.resultHash(), proof);
        assertThat(v.reason()).isEqualTo("proof is " + proof.length() / 2 + " bytes, expected "
                + HONEST.proof().length() / 2 + " for 8 rows of a 64-row tree");
        assertThat(verify(new JavaGemm(1), N, HONEST.taskId(), HONEST.resultHash(), proof + "0").reason())
                .startsWith("proof has an odd number of hex characters");
        assertThat(verify(new JavaGemm(1), N, HONEST.taskId(), HONEST.resultHash(), HONEST.proof().toUpperCase())
                .reason()).isEqualTo("proof is not lowercase hex");
    }

    @Test
    void rejectsATaskIdOfAnotherSeed() {
        String other = SyntheticTask.of(BLOCK.replace('5', '6'), WORKER, N, K).taskId();
        Verification v = verify(new JavaGemm(1), N, other, HONEST.resultHash(), HONEST.proof());
        assertThat(v.reason()).isEqualTo("task_id " + other + " does not match the seed of block " + BLOCK
                + " and worker " + WORKER + ": expected " + HONEST.taskId());
    }

    @Test
    void rejectsTheWrongMatrixSize() {
        Verification v = verify(new JavaGemm(1), 128, HONEST.taskId(), HONEST.resultHash(), HONEST.proof());
        assertThat(v.ok()).isFalse();
        assertThat(v.reason()).contains("for 8 rows of a 128-row tree");
        assertThat(verify(new JavaGemm(1), 0, HONEST.taskId(), HONEST.resultHash(), HONEST.proof()).reason())
                .isEqualTo("matrix size 0 is out of range: it must be 1..16384");
        assertThat(new SyntheticVerifier(new JavaGemm(1)).verify(BLOCK, WORKER, 4, 5, HONEST.taskId(),
                HONEST.resultHash(), HONEST.proof()).reason()).contains("spot checks 5 must be 1..4");
    }

    @Test
    void rejectsMalformedFields() {
        assertThat(new SyntheticVerifier(new JavaGemm(1)).verify("abc", WORKER, N, K, HONEST.taskId(),
                HONEST.resultHash(), HONEST.proof()).reason()).startsWith("block hash must be 32 bytes");
        assertThat(verify(new JavaGemm(1), N, HONEST.taskId(), "zz", HONEST.proof()).reason())
                .startsWith("result_hash must be 32 bytes");
    }

    @Test
    void verifiesInParallel() throws Exception {
        SyntheticVerifier verifier = new SyntheticVerifier(new JavaGemm(1));
        SyntheticResult other = new SyntheticProver(new JavaGemm(1)).prove(BLOCK, 5, "cpc1other", N, K);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Future<?>[] runs = new Future<?>[16];
            for (int i = 0; i < runs.length; i++) {
                boolean first = i % 2 == 0;
                runs[i] = pool.submit(() -> first
                        ? verifier.verify(BLOCK, WORKER, N, K, HONEST.taskId(), HONEST.resultHash(), HONEST.proof())
                        : verifier.verify(BLOCK, "cpc1other", N, K, other.taskId(), other.resultHash(), other.proof()));
            }
            for (Future<?> f : runs) assertThat(f.get()).isEqualTo(Verification.OK);
        }
    }

    private static Verification verify(GemmBackend backend, int n, String taskId, String resultHash, String proof) {
        return new SyntheticVerifier(backend).verify(BLOCK, WORKER, n, K, taskId, resultHash, proof);
    }

    private static int[] honestC(SyntheticTask task) {
        byte[] a = MatrixGenerator.generate(task.seed(), MatrixGenerator.Operand.A, N);
        byte[] b = MatrixGenerator.generate(task.seed(), MatrixGenerator.Operand.B, N);
        int[] c = new int[N * N];
        new JavaGemm(1).gemm(MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(c), N, N, N);
        assertThat(Hex.encode(RowCommitment.commit(MemorySegment.ofArray(c), N).root())).isEqualTo(HONEST.resultHash());
        assertThat(Arrays.stream(c).anyMatch(x -> x != 0)).isTrue();
        return c;
    }

    @Test
    void rowCommitmentUsesLittleEndianRows() {
        int[] c = {0x01020304, -1, 5, 6};
        MemorySegment seg = MemorySegment.ofArray(c);
        byte[] expected = org.cpc.protocol.crypto.Merkle.leafHash(
                Hex.decode("04030201" + "ffffffff"));
        assertThat(RowCommitment.leafHash(seg, 0, 2)).isEqualTo(expected);
        assertThat(seg.get(ValueLayout.JAVA_INT, 0)).isEqualTo(0x01020304);
    }
}
