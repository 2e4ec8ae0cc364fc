package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import org.cpc.compute.gemm.Backends;

/**
 * The ONNX reader takes a customer's model file: the bytes of anyone. The contract: an {@link IntModel} within the
 * limits, or an {@link OnnxException} naming what is wrong; never another exception, an allocation the file's
 * claimed sizes chose, or a hang. A model it takes has a stable commitment, runs on a zero input to an output of
 * its declared shape, and the verifier accepts that honest trace. The limits are small so that each input runs in
 * milliseconds; the seeds are the committed fixtures (made by Debian's onnx) and broken files.
 */
class OnnxImporterFuzzTest {
    private static final ModelLimits SMALL = new ModelLimits(1 << 20, 16, 200_000, 2_000_000, 1 << 16, 1 << 20);

    @FuzzTest
    void model(byte[] file) {
        try {
            OnnxImporter.census(file);
        } catch (OnnxException refused) {
            // a census of a file that is not ONNX may refuse it too
        }
        IntModel m;
        try {
            m = OnnxImporter.fromBytes(file, SMALL);
        } catch (OnnxException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        assertThat(m.commitment()).isEqualTo(m.commitment()).hasSize(32);
        byte[] input = new byte[m.input().size()];
        Trace t = new InferenceExecutor(m, Backends.java(1).gemm(), 1).run(input, 1);
        assertThat(t.output()).hasSize(m.output().size());
        assertThat(new TraceVerifier(m, new SecureRandom()).verify(input, t)).isEmpty();
    }
}
