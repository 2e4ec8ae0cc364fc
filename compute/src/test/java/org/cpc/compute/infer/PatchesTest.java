package org.cpc.compute.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** im2col against its definition, value for value, on random inputs and windows. */
class PatchesTest {
    /**
     * Stride-1 windows whose output rows are as wide as the input rows take the shifted-plane path; the others the
     * row-by-row one. Kernels up to 5, dilations up to 3, pads up to 4 on each side (also larger than the kernel, so
     * that whole patch rows are pad), written into a wider matrix at a column offset as the executor does.
     */
    @Test
    void matchesTheDefinition() {
        SplittableRandom random = new SplittableRandom(7);
        int shifted = 0;
        for (int trial = 0; trial < 3000; trial++) {
            Shape shape = new Shape(random.nextInt(1, 4), random.nextInt(1, 10), random.nextInt(1, 10));
            int kw = random.nextInt(1, 6);
            int dw = random.nextInt(1, 4);
            int padLeft = random.nextInt(0, 5);
            // Half the trials pick the right pad that keeps the width, the others any.
            int padRight = random.nextBoolean() ? (kw - 1) * dw - padLeft : random.nextInt(0, 5);
            int strideW = random.nextInt(4) == 0 ? 2 : 1;
            if (padRight < 0 || shape.width() + padLeft + padRight < (kw - 1) * dw + 1) continue;
            int kh = random.nextInt(1, 6);
            int dh = random.nextInt(1, 4);
            int padTop = random.nextInt(0, 5);
            int padBottom = random.nextInt(0, 5);
            if (shape.height() + padTop + padBottom < (kh - 1) * dh + 1) continue;
            Window w = new Window(kh, kw, random.nextInt(4) == 0 ? 2 : 1, strideW, padTop, padLeft, padBottom,
                    padRight, dh, dw);
            int outH = w.outHeight(shape.height());
            int outW = w.outWidth(shape.width());
            if (w.strideH() == 1 && strideW == 1 && outW == shape.width()) shifted++;
            byte[] in = new byte[3 + shape.size()];
            random.nextBytes(in);
            byte pad = (byte) random.nextInt(-128, 128);
            int depth = shape.channels() * kh * kw;
            int column = random.nextInt(0, 3);
            int stride = column + outH * outW + random.nextInt(0, 3);
            byte[] out = new byte[depth * stride];
            Patches.im2col(in, 3, shape, w, pad, out, column, stride);
            int row = 0;
            for (int c = 0; c < shape.channels(); c++) {
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++, row++) {
                        for (int oy = 0; oy < outH; oy++) {
                            for (int ox = 0; ox < outW; ox++) {
                                int iy = oy * w.strideH() - padTop + ki * dh;
                                int ix = ox * strideW - padLeft + kj * dw;
                                boolean inside = iy >= 0 && iy < shape.height() && ix >= 0 && ix < shape.width();
                                byte expected = inside ? in[3 + c * shape.plane() + iy * shape.width() + ix] : pad;
                                assertThat(out[row * stride + column + oy * outW + ox])
                                        .as("%s %s row %d at %d,%d", shape, w, row, oy, ox).isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
        assertThat(shifted).as("trials on the shifted-plane path").isGreaterThan(300);
    }
}
