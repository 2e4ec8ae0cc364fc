package org.cpc.compute.infer;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link TraceVerifier}'s check of the usual MaxPool — 2×2 windows, stride 2, no pad, even height and width of
 * at most 64 — on the Vector API (where {@link Epilogue#VECTORS} holds): each pair of input rows to one row of their
 * larger values (one masked vector a row), which for the whole sample lie in {@code scratch} channel-major; then
 * each pair of neighbours in it to the larger one, 32 outputs at a time, compared with the claimed outputs.
 */
final class PoolVectors {
    private static final VectorSpecies<Byte> BYTES = ByteVector.SPECIES_512;
    private static final VectorSpecies<Byte> HALF = ByteVector.SPECIES_256;

    private PoolVectors() {}

    /** Whether {@link #matches} can check this pool over this input. */
    static boolean fits(Window w, Shape in) {
        return Epilogue.VECTORS && w.kernelH() == 2 && w.kernelW() == 2 && w.strideH() == 2 && w.strideW() == 2
                && w.padTop() == 0 && w.padLeft() == 0 && w.padBottom() == 0 && w.padRight() == 0
                && w.dilationH() == 1 && w.dilationW() == 1 && in.height() % 2 == 0 && in.width() % 2 == 0
                && in.width() <= BYTES.length();
    }

    /** A scratch buffer for an input of this shape: half its rows, rounded up to whole vectors. */
    static byte[] scratch(Shape in) {
        int n = in.size() / 2;
        return new byte[(n + BYTES.length() - 1) / BYTES.length() * BYTES.length()];
    }

    /** Whether {@code out} (in.size()/4 values) is the MaxPool of {@code x}. */
    static boolean matches(byte[] x, Shape in, byte[] out, byte[] scratch) {
        int width = in.width();
        int pairs = in.channels() * in.height() / 2;
        VectorMask<Byte> row = BYTES.indexInRange(0, width);
        for (int p = 0; p < pairs; p++) {
            int from = 2 * p * width;
            ByteVector.fromArray(BYTES, x, from, row).max(ByteVector.fromArray(BYTES, x, from + width, row))
                    .intoArray(scratch, p * width, row);
        }
        int outputs = pairs * width / 2;
        for (int i = 0; i < outputs; i += HALF.length()) {
            ShortVector s = ByteVector.fromArray(BYTES, scratch, 2 * i).reinterpretAsShorts();
            ShortVector larger = s.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8)
                    .max(s.lanewise(VectorOperators.ASHR, 8));
            ByteVector got = (ByteVector) larger.convertShape(VectorOperators.S2B, HALF, 0);
            VectorMask<Byte> valid = HALF.indexInRange(i, outputs);
            if (got.compare(VectorOperators.NE, ByteVector.fromArray(HALF, out, i, valid), valid).anyTrue()) return false;
        }
        return true;
    }
}
