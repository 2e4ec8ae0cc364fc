package org.cpc.compute.infer;

import java.util.ArrayList;
import java.util.List;

/**
 * The integer rule of docs/protocol.md written out as plainly as possible — nested loops over the definition, long
 * arithmetic, no im2col, no GEMM — for one sample: the definition the executor must meet bit for bit.
 */
final class ReferenceInference {
    private ReferenceInference() {}

    /** Layer outputs (int8 as ints) and, for Conv and Dense, accumulators; per layer, channel-major. */
    record Layer(long[] accumulators, int[] activations) {}

    static List<Layer> run(IntModel model, byte[] sample) {
        int[] x = new int[sample.length];
        for (int i = 0; i < x.length; i++) x[i] = sample[i];
        Shape shape = model.input();
        List<Layer> layers = new ArrayList<>();
        for (Op op : model.ops()) {
            Shape out = op.output(shape);
            Layer layer = switch (op) {
                case Op.Conv c -> conv(c.linear(), c.window(), x, shape, out);
                case Op.Dense d -> conv(d.linear(), new Window(1, 1, 1, 1, 0, 0, 0, 0, 1, 1), x, shape, out);
                case Op.MaxPool p -> new Layer(null, maxPool(p.window(), x, shape, out));
                case Op.Flatten f -> new Layer(null, x.clone());
            };
            layers.add(layer);
            x = layer.activations();
            shape = out;
        }
        return layers;
    }

    /** Dense is a 1×1 convolution of a K×1×1 input. */
    private static Layer conv(IntLinear l, Window w, int[] x, Shape in, Shape out) {
        long[] acc = new long[out.size()];
        int[] y = new int[out.size()];
        int zx = l.inputZeroPoint();
        for (int o = 0; o < out.channels(); o++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    long sum = l.bias()[o];
                    int t = 0;
                    for (int c = 0; c < in.channels(); c++) {
                        for (int ki = 0; ki < w.kernelH(); ki++) {
                            for (int kj = 0; kj < w.kernelW(); kj++, t++) {
                                int iy = oy * w.strideH() - w.padTop() + ki * w.dilationH();
                                int ix = ox * w.strideW() - w.padLeft() + kj * w.dilationW();
                                boolean inside = iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width();
                                long xv = inside ? x[(c * in.height() + iy) * in.width() + ix] - zx : 0;
                                sum += xv * (l.weights()[o * l.depth() + t] - l.weightZeroPoints()[o]);
                            }
                        }
                    }
                    int at = (o * out.height() + oy) * out.width() + ox;
                    acc[at] = Math.toIntExact(sum);
                    Requant r = l.requant()[o];
                    long scaled = Math.floorDiv(sum * r.multiplier() + (1L << (r.shift() - 1)), 1L << r.shift());
                    long low = l.relu() ? Math.max(-128, l.outputZeroPoint()) : -128;
                    y[at] = (int) Math.max(low, Math.min(127, l.outputZeroPoint() + scaled));
                }
            }
        }
        return new Layer(acc, y);
    }

    private static int[] maxPool(Window w, int[] x, Shape in, Shape out) {
        int[] y = new int[out.size()];
        for (int c = 0; c < out.channels(); c++) {
            for (int oy = 0; oy < out.height(); oy++) {
                for (int ox = 0; ox < out.width(); ox++) {
                    int max = Integer.MIN_VALUE;
                    for (int ki = 0; ki < w.kernelH(); ki++) {
                        for (int kj = 0; kj < w.kernelW(); kj++) {
                            int iy = oy * w.strideH() - w.padTop() + ki;
                            int ix = ox * w.strideW() - w.padLeft() + kj;
                            if (iy >= 0 && iy < in.height() && ix >= 0 && ix < in.width()) {
                                max = Math.max(max, x[(c * in.height() + iy) * in.width() + ix]);
                            }
                        }
                    }
                    y[(c * out.height() + oy) * out.width() + ox] = max;
                }
            }
        }
        return y;
    }
}
