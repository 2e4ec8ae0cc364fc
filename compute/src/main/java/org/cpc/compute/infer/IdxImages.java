package org.cpc.compute.infer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-style IDX files (as Debian's dataset-fashion-mnist ships them, gzipped or not): unsigned-byte images and
 * labels, and images turned into a model's int8 input. This is client-side preparation, not protocol: the customer
 * chooses the input bytes, and only they are committed.
 */
public final class IdxImages {
    /** IDX type code of unsigned bytes. */
    private static final int UBYTE = 0x08;
    /** Largest file read: the 60,000 training images are 47 MB. */
    public static final long MAX_BYTES = 256L << 20;

    private IdxImages() {}

    /** The items of an IDX file of unsigned bytes (images or labels), one after the other, at most {@code max} items. */
    public static byte[] read(Path file, int max) throws IOException {
        if (Files.size(file) > MAX_BYTES) throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
        byte[] all;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            all = in.readNBytes((int) MAX_BYTES + 1);
        }
        if (all.length < 4 || all[0] != 0 || all[1] != 0 || all[2] != UBYTE || all[3] < 1 || all[3] > 3) {
            throw new IOException(file + " is not an IDX file of unsigned bytes (magic 0x0000080[123])");
        }
        int dims = all[3];
        long itemSize = 1;
        for (int d = 1; d < dims; d++) itemSize *= be32(all, 4 + 4 * d);
        long count = be32(all, 4);
        int header = 4 + 4 * dims;
        if (all.length != header + count * itemSize) {
            throw new IOException(file + " has " + (all.length - header) + " data bytes; its header says "
                    + count + " × " + itemSize);
        }
        int n = (int) Math.min(max, count);
        return java.util.Arrays.copyOfRange(all, header, header + (int) (n * itemSize));
    }

    /**
     * Pixels (0..255) as the model's float input p/255, quantized as ONNX QuantizeLinear does: round half to even of
     * (p/255)/scale, plus the zero point, saturated to int8 (float32 arithmetic, as numpy's).
     */
    public static byte[] quantize(byte[] pixels, IntModel model) {
        byte[] out = new byte[pixels.length];
        for (int i = 0; i < out.length; i++) {
            float x = (pixels[i] & 0xff) / 255f;
            long q = (long) Math.rint(x / model.inputScale()) + model.inputZeroPoint();
            out[i] = (byte) Math.max(-128, Math.min(127, q));
        }
        return out;
    }

    private static long be32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
