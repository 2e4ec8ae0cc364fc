package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import org.cpc.compute.gemm.JavaGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixtures of src/test/resources/onnx (made by make_fixtures.py with onnx.helper, expected outputs computed there
 * in numpy by the protocol's integer rule): imported, run, and compared byte for byte; broken ones refused.
 */
class OnnxImportTest {
    static byte[] fixture(String name) {
        try (InputStream in = OnnxImportTest.class.getResourceAsStream("/onnx/" + name)) {
            if (in == null) throw new IllegalStateException("missing fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_qdq", "cnn_qop", "cnn_qdq", "mlp_int", "cnn_int"})
    void runsLikeTheIndependentImplementation(String name) {
        IntModel model = OnnxImporter.fromBytes(fixture(name + ".onnx"), ModelLimits.DEFAULT);
        byte[] input = fixture(name + ".input.bin");
        int batch = input.length / model.input().size();
        Trace trace = new InferenceExecutor(model, new JavaGemm(1), 2).run(input, batch);
        assertThat(trace.output()).isEqualTo(fixture(name + ".expected.bin"));
        assertThat(new TraceVerifier(model, new SplittableRandom(5)).verify(input, trace)).isEmpty();
    }

    @Test
    void mapsTheQOperatorFormOntoTheOpSet() {
        IntModel model = OnnxImporter.fromBytes(fixture("cnn_qop.onnx"), ModelLimits.DEFAULT);
        assertThat(model.ops()).extracting(op -> op.getClass().getSimpleName())
                .containsExactly("Conv", "MaxPool", "Conv", "Flatten", "Dense");
        assertThat(model.input()).isEqualTo(new Shape(1, 8, 8));
        assertThat(model.inputZeroPoint()).isZero(); // uint8 zero point 128, shifted
        assertThat(model.shapes()).extracting(Shape::toString).containsExactly("4×8×8", "4×4×4", "6×2×2", "24", "5");
        IntLinear conv2 = IntModel.linear(model.ops().get(2));
        assertThat(conv2.weightZeroPoints()).containsOnly(131 - 128);
        assertThat(conv2.inputZeroPoint()).isEqualTo(120 - 128);
        assertThat(model.parameters()).isEqualTo(4 * 9 + 4 + 6 * 36 + 6 + 24 * 5 + 5);
        assertThat(model.macsPerSample()).isEqualTo(4 * 64 * 9 + 6 * 4 * 36 + 5 * 24);
    }

    @Test
    void mapsMatMulIntegerAndConvIntegerOntoTheOpSet() {
        IntModel cnn = OnnxImporter.fromBytes(fixture("cnn_int.onnx"), ModelLimits.DEFAULT);
        assertThat(cnn.ops()).extracting(Op::node)
                .containsExactly("ConvInteger 'conv1'", "MaxPool 'pool1'", "ConvInteger 'conv2'", "Flatten 'flatten'",
                        "MatMulInteger 'fc'");
        IntLinear conv1 = IntModel.linear(cnn.ops().getFirst());
        assertThat(conv1.relu()).isTrue();
        assertThat(conv1.inputZeroPoint()).isEqualTo(3);
        assertThat(conv1.bias()).doesNotContain(0);
        assertThat(IntModel.linear(cnn.ops().get(2)).weightZeroPoints()).containsOnly(129 - 128);
        // the multiplier of an integer product is the stated product scale c over the output scale: c/s_out
        assertThat(conv1.requant()[1]).isEqualTo(Requant.of((double) 0.0007f / (double) 0.3f));
        assertThat(IntModel.linear(cnn.ops().get(4)).requant()[2]).isEqualTo(Requant.of((double) 0.0018f / (double) 0.5f));

        IntModel mlp = OnnxImporter.fromBytes(fixture("mlp_int.onnx"), ModelLimits.DEFAULT);
        IntLinear fc1 = IntModel.linear(mlp.ops().getFirst());
        assertThat(fc1.inputZeroPoint()).isEqualTo(100 - 128); // uint8 input shifted with its zero point
        assertThat(fc1.weightZeroPoints()).containsExactly(27, 20, 13, -14, -14, 24); // one per column, shifted
        assertThat(fc1.relu()).isTrue();
        assertThat(mlp.macsPerSample()).isEqualTo(12 * 6 + 6 * 4);
    }

    @Test
    void refusesAnIntegerProductWhoseActivationZeroPointIsNotStated() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(fixture("int_unstated_zero_point.onnx"), ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class)
                .hasMessageContaining("MatMulInteger 'fc': state the activations' zero point (input 2) explicitly")
                .hasMessageContaining("it must be 7");
    }

    @Test
    void foldsBiasAndReluOfTheQdqForm() {
        IntModel model = OnnxImporter.fromBytes(fixture("mlp_qdq.onnx"), ModelLimits.DEFAULT);
        assertThat(model.ops()).extracting(Op::node).containsExactly("MatMul 'fc1'", "Gemm 'fc2'");
        IntLinear fc1 = IntModel.linear(model.ops().get(0));
        assertThat(fc1.relu()).isTrue();
        assertThat(fc1.bias()).doesNotContain(0);
        assertThat(IntModel.linear(model.ops().get(1)).relu()).isFalse();
    }

    @Test
    void theCommitmentCoversTheIntegersOnly() {
        IntModel a = OnnxImporter.fromBytes(fixture("cnn_qdq.onnx"), ModelLimits.DEFAULT);
        IntModel b = OnnxImporter.fromBytes(fixture("cnn_qdq.onnx"), ModelLimits.DEFAULT);
        assertThat(a.commitment()).isEqualTo(b.commitment()).hasSize(32);
        IntLinear l = IntModel.linear(a.ops().getFirst());
        byte[] w = l.weights().clone();
        w[0] ^= 1;
        IntModel changed = new IntModel(a.input(), a.inputScale(), a.inputZeroPoint(),
                List.of(new Op.Conv("x", new IntLinear(l.outputs(), l.depth(), w, l.weightZeroPoints(), l.bias(),
                        l.requant(), l.inputZeroPoint(), l.outputZeroPoint(), l.relu()),
                        ((Op.Conv) a.ops().getFirst()).window())), 1f, 0);
        IntModel same = new IntModel(a.input(), 9f, a.inputZeroPoint(), List.of(new Op.Conv("renamed", l,
                ((Op.Conv) a.ops().getFirst()).window())), 2f, 0);
        assertThat(changed.commitment()).isNotEqualTo(same.commitment());
    }

    @Test
    void refusesAnUnsupportedOpNamingIt() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(fixture("unsupported.onnx"), ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("unsupported op Softmax 'probabilities'");
        assertThat(OnnxImporter.census(fixture("unsupported.onnx")).unsupported()).containsExactly("Softmax 'probabilities'");
    }

    @Test
    void refusesMalformedProtobuf() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(fixture("malformed.onnx"), ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("malformed protobuf");
        // field 7 (graph), length-delimited, claiming 2^31 bytes
        byte[] lying = {0x3a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 1, 2, 3};
        assertThatThrownBy(() -> OnnxImporter.fromBytes(lying, ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("claims 2147483648 bytes");
        byte[] endless = new byte[12];
        java.util.Arrays.fill(endless, (byte) 0xff);
        assertThatThrownBy(() -> OnnxImporter.fromBytes(endless, ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("varint");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(fixture("lying_dims.onnx"), ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("tensor 'w1' has 128 raw bytes for 1073741824");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(new byte[0], ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class).hasMessageContaining("no graph");
    }

    @Test
    void refusesModelsOverTheLimits() {
        byte[] cnn = fixture("cnn_qop.onnx");
        ModelLimits d = ModelLimits.DEFAULT;
        assertThatThrownBy(() -> OnnxImporter.fromBytes(cnn, new ModelLimits(1000, d.layers(), d.parameters(),
                d.macsPerSample(), d.inputBytes(), d.traceBytesPerSample())))
                .isInstanceOf(OnnxException.class).hasMessageContaining("more than the limit 1000");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(cnn, new ModelLimits(d.modelBytes(), 4, d.parameters(),
                d.macsPerSample(), d.inputBytes(), d.traceBytesPerSample())))
                .hasMessageContaining("5 layers");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(cnn, new ModelLimits(d.modelBytes(), d.layers(), 100,
                d.macsPerSample(), d.inputBytes(), d.traceBytesPerSample())))
                .hasMessageContaining("parameters");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(cnn, new ModelLimits(d.modelBytes(), d.layers(), d.parameters(),
                1000, d.inputBytes(), d.traceBytesPerSample())))
                .hasMessageContaining("multiply-adds per sample");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(cnn, new ModelLimits(d.modelBytes(), d.layers(), d.parameters(),
                d.macsPerSample(), 63, d.traceBytesPerSample())))
                .hasMessageContaining("input bytes");
    }

    /**
     * Every entry of every layer must be disputable in one fraud proof: a Conv over 8 channels of 64×64 (each
     * channel a chunk) and a MaxPool whose window spans 7 rows of 4096 bytes are refused naming the node, the op,
     * the entry, its chunk count and the bound; the same layers one channel or one row smaller, at the bound, import.
     */
    @Test
    void refusesAModelWithAnEntryNoFraudProofCanCarry() {
        assertThatThrownBy(() -> OnnxImporter.fromBytes(fixture("wide_conv.onnx"), ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class)
                .hasMessageContaining("ConvInteger 'conv' (layer 0, Conv): entry 0 (output channel 0, row 0, column 0)"
                        + " reads 8 chunks of 4096 bytes of its input row 8×64×64, more than the 6 one fraud proof"
                        + " carries")
                .hasMessageContaining("give the layer fewer input channels or a smaller input per channel");
        assertThatThrownBy(() -> OnnxImporter.fromBytes(fixture("wide_pool.onnx"), ModelLimits.DEFAULT))
                .isInstanceOf(OnnxException.class)
                .hasMessageContaining("MaxPool 'pool' (layer 1, MaxPool): entry 0 (output channel 0, row 0, column 0)"
                        + " reads 7 chunks of 4096 bytes of its input row 1×12×4096, more than the 6")
                .hasMessageContaining("give the layer a smaller window or a smaller input per channel");

        IntModel conv = OnnxImporter.fromBytes(fixture("edge_conv.onnx"), ModelLimits.DEFAULT);
        assertThat(Disputability.check(conv)).containsExactly(new Disputability.Worst(0, 0, 6));
        IntModel pool = OnnxImporter.fromBytes(fixture("edge_pool.onnx"), ModelLimits.DEFAULT);
        assertThat(Disputability.check(pool)).containsExactly(new Disputability.Worst(0, 0, 1),
                new Disputability.Worst(1, 0, 6));
    }

    /** The models of this repository are wholly disputable: the Fashion-MNIST MLP and CNN and every fixture. */
    @ParameterizedTest
    @ValueSource(strings = {"fashion/cnn", "fashion/mlp", "cnn_qop", "cnn_qdq", "cnn_int", "mlp_qdq", "mlp_int"})
    void theRepositorysModelsAreWhollyDisputable(String name) {
        IntModel m = OnnxImporter.fromBytes(fixture(name + ".onnx"), ModelLimits.DEFAULT);
        assertThat(Disputability.check(m)).hasSize(m.ops().size())
                .allSatisfy(w -> assertThat(w.chunks()).isBetween(0, Disputability.MAX_INPUT_CHUNKS));
    }

    /** Random byte flips and cuts of a valid model: always a clean OnnxException or a valid model, nothing else. */
    @Test
    void survivesMutatedFiles() {
        byte[] valid = fixture("cnn_qop.onnx");
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 1000; i++) {
            byte[] b = valid.clone();
            for (int f = random.nextInt(1, 4); f > 0; f--) b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            if (random.nextInt(4) == 0) b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            try {
                OnnxImporter.fromBytes(b, ModelLimits.DEFAULT);
            } catch (OnnxException expected) {
                // refused with a message: fine
            }
        }
    }
}
