package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cpc model inspect} on the ONNX fixtures of the compute module. */
class ModelCommandTest {
    private static final Path FIXTURES = Path.of(System.getProperty("cpc.root.dir", ".."),
            "compute/src/test/resources/onnx");

    @Test
    void inspectsAModel() {
        Run r = Run.cpc("model", "inspect", FIXTURES.resolve("cnn_qop.onnx").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("QLinearConv ×2", "unsupported:  none", "commitment:   ", "input:        1×8×8 int8",
                "Conv    1×8×8", "MaxPool", "Dense   24", "parameters:   387", "multiply-adds per sample: 3288");
        assertThat(r.out()).containsPattern("commitment: +[0-9a-f]{64}");
    }

    @Test
    void namesWhatIsUnsupported() {
        Run r = Run.cpc("model", "inspect", FIXTURES.resolve("unsupported.onnx").toString());
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(r.out()).contains("unsupported:  Softmax 'probabilities'");
        assertThat(r.err()).contains("refused: unsupported op Softmax 'probabilities'");
    }

    @Test
    void refusesAFileThatIsNotAModel(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk.onnx"), new byte[] {(byte) 0xff, (byte) 0xff});
        Run r = Run.cpc("model", "inspect", junk.toString());
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(r.err()).contains("refused: malformed protobuf");
    }
}
