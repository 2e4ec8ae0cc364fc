package org.cpc.compute;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.gemm.OneDnnGemm;
import org.cpc.protocol.codec.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The synthetic task v1 vectors of cpc-protocol-v1.json, made by an independent implementation. */
class SyntheticVectorsTest {
    static Stream<GemmBackend> backends() {
        return OneDnnGemm.isAvailable() ? Stream.of(new JavaGemm(2), new OneDnnGemm(2)) : Stream.of(new JavaGemm(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 64, 1024})
    void seedAndTaskId(int n) {
        JsonNode v = Vectors.synthetic(n);
        SyntheticTask task = SyntheticTask.of(v.get("block_hash").asText(), v.get("worker_address").asText(), n,
                v.get("spot_checks").asInt());
        assertThat(Hex.encode(task.seed())).isEqualTo(v.get("seed").asText());
        assertThat(task.taskId()).isEqualTo(v.get("task_id").asText());
        assertThat(task).isEqualTo(SyntheticTask.of(task.blockHash(), task.workerAddress(), n, task.k()))
                .hasSameHashCodeAs(SyntheticTask.of(task.blockHash(), task.workerAddress(), n, task.k()));
    }

    @Test
    void matricesOfTheSmallVector() {
        JsonNode v = Vectors.synthetic(8);
        byte[] seed = Hex.decode(v.get("seed").asText());
        byte[] a = MatrixGenerator.generate(seed, MatrixGenerator.Operand.A, 8);
        byte[] b = MatrixGenerator.generate(seed, MatrixGenerator.Operand.B, 8);
        int[] c = new int[64];
        new JavaGemm(1).gemm(MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(c), 8, 8, 8);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                assertThat((int) a[i * 8 + j]).as("A[%d][%d]", i, j).isEqualTo(v.get("A").get(i).get(j).asInt());
                assertThat((int) b[i * 8 + j]).as("B[%d][%d]", i, j).isEqualTo(v.get("B").get(i).get(j).asInt());
                assertThat(c[i * 8 + j]).as("C[%d][%d]", i, j).isEqualTo(v.get("C").get(i).get(j).asInt());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 64, 1024})
    void challengeFromTheVectorsResultHash(int n) {
        JsonNode v = Vectors.synthetic(n);
        int[] rows = Challenge.rows(Hex.decode(v.get("result_hash").asText()), v.get("task_id").asText(), n,
                v.get("spot_checks").asInt());
        int[] expected = new int[v.get("challenge").size()];
        for (int i = 0; i < expected.length; i++) expected[i] = v.get("challenge").get(i).asInt();
        assertThat(rows).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void proverReproducesEveryVector(GemmBackend backend) {
        for (int n : new int[] {8, 64, 1024}) {
            JsonNode v = Vectors.synthetic(n);
            SyntheticResult r = new SyntheticProver(backend).prove(v.get("block_hash").asText(), 77,
                    v.get("worker_address").asText(), n, v.get("spot_checks").asInt());
            assertThat(r.taskId()).isEqualTo(v.get("task_id").asText());
            assertThat(r.resultHash()).as("result_hash n=%d on %s", n, backend.name())
                    .isEqualTo(v.get("result_hash").asText());
            if (v.has("proof")) assertThat(r.proof()).as("proof n=%d", n).isEqualTo(v.get("proof").asText());
            assertThat(r.nonce()).isEqualTo(77);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 64})
    void verifierAcceptsTheVectors(int n) {
        JsonNode v = Vectors.synthetic(n);
        Verification result = new SyntheticVerifier(new JavaGemm(1)).verify(v.get("block_hash").asText(),
                v.get("worker_address").asText(), n, v.get("spot_checks").asInt(), v.get("task_id").asText(),
                v.get("result_hash").asText(), v.get("proof").asText());
        assertThat(result).isEqualTo(Verification.OK);
    }
}
