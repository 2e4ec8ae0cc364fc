package org.cpc.compute.infer;

import java.util.Arrays;

/**
 * im2col: the patches of one sample's C×H×W input under a window, as a (C·kh·kw) × (outH·outW) int8 matrix whose
 * column p holds the values output position p sees, in the weights' order (channel, then kernel row, then kernel
 * column). Positions outside the input hold {@code pad}: the zero point for Conv, so that they count as 0.0.
 */
final class Patches {
    private Patches() {}

    /** Writes the patch matrix of {@code in[offset, offset + shape.size())} into {@code out} (depth × positions). */
    static void im2col(byte[] in, int offset, Shape shape, Window w, byte pad, byte[] out) {
        im2col(in, offset, shape, w, pad, out, 0, w.outHeight(shape.height()) * w.outWidth(shape.width()));
    }

    /**
     * The same matrix written into a wider one: row t of the patches at {@code out[t·rowStride + column ..]}, so
     * that several samples' patches sit side by side (sample b at column b·positions) for one GEMM over all of them.
     */
    static void im2col(byte[] in, int offset, Shape shape, Window w, byte pad, byte[] out, int column, int rowStride) {
        int outH = w.outHeight(shape.height());
        int outW = w.outWidth(shape.width());
        int row = 0;
        for (int c = 0; c < shape.channels(); c++) {
            int plane = offset + c * shape.plane();
            for (int ki = 0; ki < w.kernelH(); ki++) {
                for (int kj = 0; kj < w.kernelW(); kj++, row++) {
                    int base = row * rowStride + column;
                    if (w.strideH() == 1 && w.strideW() == 1 && outW == shape.width()) {
                        shiftedPlane(in, plane, shape, outH, ki * w.dilationH() - w.padTop(),
                                kj * w.dilationW() - w.padLeft(), pad, out, base);
                        continue;
                    }
                    for (int oy = 0; oy < outH; oy++) {
                        int iy = oy * w.strideH() - w.padTop() + ki * w.dilationH();
                        int at = base + oy * outW;
                        if (iy < 0 || iy >= shape.height()) {
                            Arrays.fill(out, at, at + outW, pad);
                        } else if (w.strideW() == 1) {
                            // ix = ox − padLeft + kj·dilation: one run of the input row, pads either side
                            int shift = kj * w.dilationW() - w.padLeft();
                            int from = Math.clamp(-shift, 0, outW);
                            int to = Math.clamp(shape.width() - shift, from, outW);
                            Arrays.fill(out, at, at + from, pad);
                            // Guarded: a kernel column wholly in the pad (shift ≥ width) has no run, and its
                            // start would lie past the input.
                            if (to > from) {
                                System.arraycopy(in, plane + iy * shape.width() + from + shift, out, at + from, to - from);
                            }
                            Arrays.fill(out, at + to, at + outW, pad);
                        } else {
                            for (int ox = 0; ox < outW; ox++) {
                                int ix = ox * w.strideW() - w.padLeft() + kj * w.dilationW();
                                out[at + ox] = ix >= 0 && ix < shape.width() ? in[plane + iy * shape.width() + ix] : pad;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * One patch row when stride is 1 and output rows are as wide as input rows (a "same" convolution): output
     * position q sees input q + sy·W + sx of the plane, a plain shift. One copy for every output row that sees the
     * input, then the pad: the rows above and below it and, in every row, the columns left or right of it.
     */
    private static void shiftedPlane(byte[] in, int plane, Shape shape, int outH, int sy, int sx, byte pad,
            byte[] out, int base) {
        int width = shape.width();
        int lo = Math.clamp(-sy, 0, outH);
        int hi = Math.clamp(shape.height() - sy, lo, outH);
        Arrays.fill(out, base, base + lo * width, pad);
        Arrays.fill(out, base + hi * width, base + outH * width, pad);
        if (hi == lo) return;
        int shift = sy * width + sx;
        // Clipped to the plane; what is left out lies in the pad columns, written below.
        int from = Math.max(lo * width, -shift);
        int to = Math.min(hi * width, shape.plane() - shift);
        if (to > from) System.arraycopy(in, plane + from + shift, out, base + from, to - from);
        int left = Math.clamp(-sx, 0, width);
        int right = Math.clamp(width - sx, left, width);
        for (int oy = lo; oy < hi; oy++) {
            int at = base + oy * width;
            for (int ox = 0; ox < left; ox++) out[at + ox] = pad;
            for (int ox = right; ox < width; ox++) out[at + ox] = pad;
        }
    }

    /** MaxPool of one sample: the largest value in each window; positions outside the input are ignored. */
    static void maxPool(byte[] in, int inOffset, Shape shape, Window w, byte[] out, int outOffset) {
        int outH = w.outHeight(shape.height());
        int outW = w.outWidth(shape.width());
        if (w.padTop() == 0 && w.padLeft() == 0 && w.dilationH() == 1 && w.dilationW() == 1) {
            maxPoolInside(in, inOffset, shape, w, out, outOffset, outH, outW);
            return;
        }
        int o = outOffset;
        for (int c = 0; c < shape.channels(); c++) {
            int plane = inOffset + c * shape.plane();
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int max = -128; // the window always covers some input (Op.MaxPool's rule)
                    for (int ki = 0; ki < w.kernelH(); ki++) {
                        int iy = oy * w.strideH() - w.padTop() + ki * w.dilationH();
                        if (iy < 0 || iy >= shape.height()) continue;
                        for (int kj = 0; kj < w.kernelW(); kj++) {
                            int ix = ox * w.strideW() - w.padLeft() + kj * w.dilationW();
                            if (ix >= 0 && ix < shape.width()) max = Math.max(max, in[plane + iy * shape.width() + ix]);
                        }
                    }
                    out[o++] = (byte) max;
                }
            }
        }
    }

    /**
     * MaxPool without top or left padding and without dilation: every window starts inside the input and, the output
     * side being ⌊(in + pads − kernel) / stride⌋ + 1, at most the bottom and right pads stick out; those rows and
     * columns are cut off once per window row instead of checked per value.
     */
    private static void maxPoolInside(byte[] in, int inOffset, Shape shape, Window w, byte[] out, int outOffset,
                                      int outH, int outW) {
        int width = shape.width();
        int o = outOffset;
        for (int c = 0; c < shape.channels(); c++) {
            int plane = inOffset + c * shape.plane();
            for (int oy = 0; oy < outH; oy++) {
                int y0 = oy * w.strideH();
                int y1 = Math.min(y0 + w.kernelH(), shape.height());
                int ox = 0;
                if (w.kernelH() == 2 && w.kernelW() == 2 && w.strideW() == 2 && y1 == y0 + 2) {
                    // the usual 2×2 stride 2 pool: the windows that lie wholly inside, four values each
                    int r0 = plane + y0 * width;
                    int r1 = r0 + width;
                    int whole = Math.min(outW, width / 2);
                    for (; ox < whole; ox++) {
                        int x = 2 * ox;
                        out[o++] = (byte) Math.max(Math.max(in[r0 + x], in[r0 + x + 1]), Math.max(in[r1 + x], in[r1 + x + 1]));
                    }
                }
                for (; ox < outW; ox++) {
                    int x0 = ox * w.strideW();
                    int x1 = Math.min(x0 + w.kernelW(), width);
                    int max = -128;
                    for (int iy = y0; iy < y1; iy++) {
                        int row = plane + iy * width;
                        for (int ix = x0; ix < x1; ix++) max = Math.max(max, in[row + ix]);
                    }
                    out[o++] = (byte) max;
                }
            }
        }
    }
}
