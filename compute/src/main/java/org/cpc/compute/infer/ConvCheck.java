package org.cpc.compute.infer;

import java.util.random.RandomGenerator;

/**
 * The {@link TraceVerifier}'s check of one sample of a Conv layer. Every accumulator is in its channel's range and
 * requantizes to its activation (exactly, {@link AccumulatorRows#check}); then, per round, with secret r uniform
 * over the channels and s uniform over the output positions, all in F_p:
 * <pre>  Σ_o r_o·Σ_q s_q·(acc[o][q] − lo_o) = Σ_o r_o·(bias_o − lo_o)·Σ_q s_q + Σ_e (x_e − zx)·W_e</pre>
 * The right side is rᵀ·(weights − zw)·X'·s with X' the patches less the input zero point (0 in the pad); X' is
 * linear in the input x, so it is one weighted sum of the input, W_e = Σ u_t·s_q over the (patch row t, position q)
 * pairs that read input value e, u = rᵀ·(weights − zw). W is prepared once per task, for any window, stride, pad
 * or dilation: a sample costs one pass over its accumulators and one over its input, not the depth × positions of
 * the patches.
 */
final class ConvCheck implements LinearCheck {
    private final IntLinear l;
    private final int positions;
    private final LinearRounds v;
    /** Per round: s over the output positions, W over the input values, and the right side's constant part. */
    private final long[][] s;
    private final PositionWeights s0;
    private final PositionWeights s1;
    private final long[][] weights;
    private final long[] constant;

    ConvCheck(Op.Conv c, Shape in, int rounds, RandomGenerator secret) {
        this.l = c.linear();
        Window w = c.window();
        int outH = w.outHeight(in.height());
        int outW = w.outWidth(in.width());
        this.positions = outH * outW;
        this.v = LinearRounds.of(l, rounds, secret);
        s = new long[rounds][positions];
        weights = new long[rounds][in.size()];
        constant = new long[rounds];
        for (int k = 0; k < rounds; k++) {
            long sum = 0;
            for (int q = 0; q < positions; q++) {
                s[k][q] = Field31.random(secret);
                sum = Field31.add(sum, s[k][q]);
            }
            long[] wk = weights[k];
            for (int ch = 0; ch < in.channels(); ch++) {
                for (int ki = 0; ki < w.kernelH(); ki++) {
                    for (int kj = 0; kj < w.kernelW(); kj++) {
                        long u = v.u()[k][(ch * w.kernelH() + ki) * w.kernelW() + kj];
                        for (int oy = 0; oy < outH; oy++) {
                            int iy = oy * w.strideH() - w.padTop() + ki * w.dilationH();
                            if (iy < 0 || iy >= in.height()) continue;
                            for (int ox = 0; ox < outW; ox++) {
                                int ix = ox * w.strideW() - w.padLeft() + kj * w.dilationW();
                                if (ix < 0 || ix >= in.width()) continue;
                                int e = ch * in.plane() + iy * in.width() + ix;
                                wk[e] = Field31.reduce(wk[e] + u * s[k][oy * outW + ox]);
                            }
                        }
                    }
                }
            }
            long total = 0;
            for (long e : wk) total = Field31.add(total, e);
            constant[k] = Field31.sub(Field31.mul(v.biasTerm(l, k), sum),
                    Field31.mul(Field31.of(l.inputZeroPoint()), total));
        }
        s0 = PositionWeights.of(s[0]);
        s1 = PositionWeights.of(s[1]);
    }

    /** Rounds 0 and 1 in the pass that checks ranges and requantization, further ones in passes of their own. */
    @Override
    public String check(int rounds, byte[] acc, int at, byte[] x, byte[] acts) {
        long[] sums = new long[2];
        long left0 = 0;
        long left1 = 0;
        for (int o = 0; o < l.outputs(); o++) {
            int row = at + 4 * o * positions;
            int q = AccumulatorRows.check(l, o, acc, row, acts, o * positions, positions, v.lo()[o], v.width()[o],
                    s0, s1, sums);
            if (q < positions) return failure(rounds, acc, at, x, o, q);
            left0 = Field31.add(left0, Field31.mul(v.r()[0][o], sums[0]));
            left1 = Field31.add(left1, Field31.mul(v.r()[1][o], sums[1]));
        }
        if (left0 != right(0, x)) return LinearCheck.freivalds(0);
        if (left1 != right(1, x)) return LinearCheck.freivalds(1);
        for (int k = 2; k < rounds; k++) {
            if (left(k, acc, at) != right(k, x)) return LinearCheck.freivalds(k);
        }
        return null;
    }

    /**
     * Channel o position q is out of range or wrongly requantized: the first value out of range if there is one,
     * else a failed round if there is one (the accumulator is wrong), else the requantization.
     */
    private String failure(int rounds, byte[] acc, int at, byte[] x, int o, int q) {
        String outside = outside(acc, at, o, q);
        if (outside != null) return outside;
        for (int k = 0; k < rounds; k++) {
            if (left(k, acc, at) != right(k, x)) return LinearCheck.freivalds(k);
        }
        return "output channel " + o + " position " + q + " is not the requantized accumulator";
    }

    private long left(int k, byte[] acc, int at) {
        long left = 0;
        for (int o = 0; o < l.outputs(); o++) {
            long d = AccumulatorRows.dot(acc, at + 4 * o * positions, positions, v.lo()[o], s[k], 0);
            left = Field31.add(left, Field31.mul(v.r()[k][o], d));
        }
        return left;
    }

    private long right(int k, byte[] x) {
        return Field31.add(constant[k], AccumulatorRows.dotBytes(x, 0, weights[k], 0, x.length));
    }

    /** The first accumulator from channel o position q on that is outside its range, described; else null. */
    private String outside(byte[] acc, int at, int o, int q) {
        for (int c = o; c < l.outputs(); c++) {
            for (int p = c == o ? q : 0; p < positions; p++) {
                int a = AccumulatorRows.get(acc, at + 4 * (c * positions + p));
                if (Integer.compareUnsigned(a - v.lo()[c], v.width()[c]) > 0) return v.outside(c, p, a);
            }
        }
        return null;
    }
}
