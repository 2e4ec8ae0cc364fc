package org.cpc.compute.infer;

/**
 * What a model may cost, checked at import: a model within them runs in bounded time and memory per sample. One
 * more limit holds for every model whatever these are, because the fraud-proof format fixes it: every entry of
 * every layer must be disputable in one proof ({@link Disputability}, checked by {@link IntModel#checkLimits}).
 *
 * @param modelBytes           size of the ONNX file
 * @param layers               ops of the integer model
 * @param parameters           weights and biases
 * @param macsPerSample        multiply-adds per sample
 * @param inputBytes           one sample's input
 * @param traceBytesPerSample  one sample's trace: every layer's int8 output, plus 4 bytes per accumulator
 */
public record ModelLimits(long modelBytes, int layers, long parameters, long macsPerSample, long inputBytes,
                          long traceBytesPerSample) {
    /** Room for small CNNs and MLPs (Fashion-MNIST class): 16 MiB, 64 layers, 8M parameters, 1G MACs. */
    public static final ModelLimits DEFAULT = new ModelLimits(16L << 20, 64, 8_000_000, 1_000_000_000, 1L << 20,
            64L << 20);
}
