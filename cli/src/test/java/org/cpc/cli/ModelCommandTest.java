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
                "Conv    1×8×8", "MaxPool", "Dense   24", "parameters:   387", "multiply-adds per sample: 3288",
                "disputable:   every entry; the most input chunks one entry reads: 1 of 6 (layer 0,");
        assertThat(r.out()).containsPattern("commitment: +[0-9a-f]{64}");
    }

    /** A model at the proof's chunk bound is shown with its worst entry; one past it is refused, saying what to change. */
    @Test
    void showsTheWorstEntryAndRefusesAnEntryNoProofCanCarry() {
        Run edge = Run.cpc("model", "inspect", FIXTURES.resolve("edge_conv.onnx").toString());
        assertThat(edge.exit()).as(edge.err()).isZero();
        assertThat(edge.out()).contains("disputable:   every entry; the most input chunks one entry reads: 6 of 6"
                + " (layer 0, ConvInteger 'conv', entry 0)");
        Run wide = Run.cpc("model", "inspect", FIXTURES.resolve("wide_conv.onnx").toString());
        assertThat(wide.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(wide.out()).contains("unsupported:  none");
        assertThat(wide.err()).contains("refused: ConvInteger 'conv' (layer 0, Conv): entry 0 (output channel 0, row 0,"
                + " column 0) reads 8 chunks of 4096 bytes of its input row 8×64×64, more than the 6 one fraud proof"
                + " carries", "give the layer fewer input channels or a smaller input per channel");
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

    @Test
    void turnsIdxImagesIntoAnInputAndScoresAResult(@TempDir Path dir) throws Exception {
        byte[] images = new byte[16 + 3 * 64]; // IDX header: magic 0x00000803, 3 images of 8 × 8
        images[2] = 8;
        images[3] = 3;
        images[7] = 3;
        images[11] = 8;
        images[15] = 8;
        for (int i = 16; i < images.length; i++) images[i] = (byte) (i * 37);
        Path idx = Files.write(dir.resolve("images.idx"), images);
        Path input = dir.resolve("x.bin");
        String model = FIXTURES.resolve("cnn_qop.onnx").toString(); // input scale 0.02, uint8 zero point 128
        Run r = Run.cpc("model", "input", "--model", model, "--images", idx.toString(), "-o", input.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 3 samples of 1×8×8");
        byte[] x = Files.readAllBytes(input);
        assertThat(x).hasSize(3 * 64);
        int p = images[16 + 5] & 0xff; // p/255 over 0.02, rounded, + 128 − 128
        assertThat(x[5]).isEqualTo((byte) Math.min(127, Math.rint((p / 255f) / 0.02f)));

        byte[] result = Files.readAllBytes(FIXTURES.resolve("cnn_qop.expected.bin")); // 3 samples × 5 outputs
        byte[] labels = new byte[8 + 3];
        labels[2] = 8;
        labels[3] = 1;
        labels[7] = 3;
        for (int s = 0; s < 3; s++) {
            int best = 0;
            for (int c = 1; c < 5; c++) if (result[s * 5 + c] > result[s * 5 + best]) best = c;
            labels[8 + s] = (byte) (s == 2 ? (best + 1) % 5 : best); // the last one wrong
        }
        Path labelFile = Files.write(dir.resolve("labels.idx"), labels);
        r = Run.cpc("model", "accuracy", "--model", model, "--result", FIXTURES.resolve("cnn_qop.expected.bin").toString(),
                "--labels", labelFile.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("accuracy: 2 of 3 correct (66.67%)");
    }
}
