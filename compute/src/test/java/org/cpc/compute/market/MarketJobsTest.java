package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.compute.testing.Int8Matrices.product;
import static org.cpc.compute.testing.Int8Matrices.randomMatrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.GemmBackend;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.junit.jupiter.api.Test;

class MarketJobsTest {
    private static final GemmBackend GEMM = Backends.select("cpu", 1).gemm();

    @Test
    void matmulJobsMergeIntoTheProductAndWrongRowsAreCaught() {
        Random rnd = new Random(7);
        int m = 37, k = 29, n = 23;
        byte[] a = randomMatrix(rnd, m, k);
        byte[] b = randomMatrix(rnd, k, n);
        Map<String, byte[]> blobs = new HashMap<>();
        String ha = Hex.encode(Sha256.hash(a));
        String hb = Hex.encode(Sha256.hash(b));
        blobs.put(ha, a);
        blobs.put(hb, b);
        BlobSource src = h -> {
            byte[] v = blobs.get(h);
            if (v == null) throw new IllegalArgumentException("no blob " + h);
            return MemorySegment.ofArray(v);
        };
        JsonNode p = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), m, k, n, 10);
        assertThat(p.get("a").textValue()).isEqualTo(ha);
        MatmulChallenge t = MatmulChallenge.INSTANCE;
        t.validatePayload(p);
        t.checkInputs(p, h -> blobs.containsKey(h) ? blobs.get(h).length : -1);
        t.checkInputContents(p, src);
        JsonNode swapped = ((ObjectNode) p.deepCopy()).put("b_root", p.get("a_root").textValue());
        assertThatThrownBy(() -> t.checkInputContents(swapped, src)).hasMessageContaining("matmul payload.b_root is "
                + p.get("a_root").textValue() + ", but the columns of blob b have the root " + p.get("b_root").textValue());
        assertThatThrownBy(() -> t.checkInputs(p, h -> h.equals(ha) ? -1 : 0)).hasMessageContaining("POST /blobs");
        JobVerifier v = t.verifier(p, "task", src, new SecureRandom());
        ByteArrayOutputStream merged = new ByteArrayOutputStream();
        for (int i = 0; i < t.jobCount(p); i++) {
            byte[] out = t.execute(p, "task", i, src, GEMM);
            assertThat(out.length).isEqualTo(t.maxOutputBytes(p, i));
            assertThat(v.verify(i, out).ok()).isTrue();
            byte[] bad = out.clone();
            bad[bad.length - 4] ^= 1; // one entry of the job's last row, off by one
            assertThat(v.verify(i, bad).ok()).isFalse();
            assertThat(v.verify(i, bad).reason()).contains("Freivalds");
            merged.writeBytes(t.mergePart(p, i, out));
        }
        assertThat(merged.toByteArray()).isEqualTo(product(a, b, m, k, n));
        assertThat(t.describeJob(p, 3).toString()).isEqualTo("{\"row_start\":30,\"row_end\":37}");
    }

    /**
     * The pure-Java GEMM with several threads needs every matrix reachable from other threads; a job's output buffer
     * was once confined to the calling thread, so a pool worker without oneDNN crashed on its first job.
     */
    @Test
    void matmulJobsRunOnTheMultiThreadedPureJavaGemm() {
        Random rnd = new Random(11);
        int m = 64, k = 48, n = 40;
        byte[] a = randomMatrix(rnd, m, k);
        byte[] b = randomMatrix(rnd, k, n);
        String ha = Hex.encode(Sha256.hash(a));
        BlobSource src = h -> MemorySegment.ofArray(h.equals(ha) ? a : b);
        JsonNode p = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), m, k, n, m);
        byte[] out = MatmulChallenge.INSTANCE.execute(p, "task", 0, src, Backends.java(2).gemm());
        assertThat(out).isEqualTo(product(a, b, m, k, n));
    }

    @Test
    void freivaldsCatchesAnErrorOfEveryPowerOfTwo() {
        Random rnd = new Random(3);
        int m = 8, k = 16, n = 16;
        byte[] a = randomMatrix(rnd, m, k);
        byte[] b = randomMatrix(rnd, k, n);
        byte[] c = product(a, b, m, k, n);
        Freivalds f = new Freivalds(MemorySegment.ofArray(a), MemorySegment.ofArray(b), k, n, new SecureRandom());
        assertThat(f.check(0, m, c)).isEqualTo(-1);
        ByteBuffer bb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        for (int bit = 0; bit < 32; bit++) {
            int at = 4 * (5 * n + 7);
            int orig = bb.getInt(at);
            bb.putInt(at, orig ^ (1 << bit));
            assertThat(f.check(0, m, c)).as("bit " + bit).isEqualTo(5);
            bb.putInt(at, orig);
        }
    }

    @Test
    void syntheticJobsVerifyByRecomputingChallengedRows() {
        JsonNode p = Json.parse("{\"seed\":\"" + "cd".repeat(32) + "\",\"matrix_size\":64,\"iterations\":3}");
        SyntheticChallenge t = SyntheticChallenge.INSTANCE;
        String taskId = "0b7e7c3e-2a55-4c1e-8a3b-7f5f2b1c0d9e";
        JobVerifier v = t.verifier(p, taskId, h -> { throw new IllegalArgumentException(); }, new SecureRandom());
        byte[] o0 = t.execute(p, taskId, 0, null, GEMM);
        byte[] o1 = t.execute(p, taskId, 1, null, GEMM);
        assertThat(o0).isNotEqualTo(o1);
        assertThat(o0.length).isLessThanOrEqualTo((int) t.maxOutputBytes(p, 0));
        assertThat(v.verify(0, o0).ok()).isTrue();
        assertThat(v.verify(1, o0).ok()).as("job 0's output is not job 1's").isFalse();
        byte[] bad = o1.clone();
        bad[40] ^= 1;
        assertThat(v.verify(1, bad).ok()).isFalse();
        assertThat(t.mergePart(p, 0, o0)).hasSize(32);
    }
}
