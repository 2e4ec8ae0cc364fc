package org.cpc.compute.infer;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * The {@link TraceVerifier}'s check of one sample of a Conv layer. Every accumulator is in its channel's range and
 * requantizes to its activation (exactly, {@link AccumulatorRows#check}); then, per round, with secret r over the
 * channels and s_q = α^oy·β^ox over the output positions q = (oy, ox), all in F_p:
 * <pre>  Σ_o r_o·Σ_q s_q·(acc[o][q] − lo_o) = Σ_o r_o·(bias_o − lo_o)·Σ_q s_q + Σ_t u_t·Σ_q s_q·X'[t][q]</pre>
 * where X'[t][q] is the input value patch position t of output q sees, minus the input zero point (0 in the pad).
 * The left side reads each accumulator once. With stride 1, X'[t][q] for t = (c, ki, kj) is input plane c shifted
 * by (ey, ex) = (ki·dh − padTop, kj·dw − padLeft), so Σ_q s_q·X'[t][q] = α^−ey·β^−ex·Σ α^iy·β^ix·(x[c][iy][ix] − zx)
 * over the input rectangle the shift keeps: one weighted sum per input plane, less the few rows and columns a
 * kernel offset cuts off. Other strides sum over the patches directly (depth × positions, as the old check did).
 */
final class ConvCheck implements LinearCheck {
    private final IntLinear l;
    private final Shape in;
    private final Window w;
    private final int outH;
    private final int outW;
    private final LinearRounds v;
    /** Per round: s over output positions, and the right side's constant part. */
    private final long[][] s;
    private final long[] constant;
    /** Stride 1 only (else null): per round α^iy·β^ix over an input plane, and u_t·α^−ey·β^−ex. */
    private final long[][] g;
    private final long[][] uf;
    /** Per kernel row ki: input rows [y0, y1) the shift keeps; per kernel column kj: columns [x0, x1). */
    private final int[] y0;
    private final int[] y1;
    private final int[] x0;
    private final int[] x1;

    ConvCheck(Op.Conv c, Shape in, int rounds, RandomGenerator secret) {
        this.l = c.linear();
        this.in = in;
        this.w = c.window();
        this.outH = w.outHeight(in.height());
        this.outW = w.outWidth(in.width());
        this.v = LinearRounds.of(l, rounds, secret);
        boolean shifted = w.strideH() == 1 && w.strideW() == 1;
        int kh = w.kernelH();
        int kw = w.kernelW();
        y0 = new int[kh];
        y1 = new int[kh];
        x0 = new int[kw];
        x1 = new int[kw];
        for (int ki = 0; ki < kh; ki++) {
            int ey = ki * w.dilationH() - w.padTop();
            y0[ki] = Math.clamp(ey, 0, in.height());
            y1[ki] = Math.clamp((long) outH + ey, y0[ki], in.height());
        }
        for (int kj = 0; kj < kw; kj++) {
            int ex = kj * w.dilationW() - w.padLeft();
            x0[kj] = Math.clamp(ex, 0, in.width());
            x1[kj] = Math.clamp((long) outW + ex, x0[kj], in.width());
        }
        s = new long[rounds][];
        constant = new long[rounds];
        g = shifted ? new long[rounds][] : null;
        uf = shifted ? new long[rounds][] : null;
        for (int k = 0; k < rounds; k++) {
            long alpha = Field31.randomNonzero(secret);
            long beta = Field31.randomNonzero(secret);
            s[k] = grid(alpha, beta, outH, outW);
            long sum = 0;
            for (long e : s[k]) sum = Field31.add(sum, e);
            constant[k] = Field31.mul(v.biasTerm(l, k), sum);
            if (shifted) prepareShifts(k, alpha, beta);
        }
    }

    /** α^y·β^x for y &lt; h, x &lt; w, row-major. */
    private static long[] grid(long alpha, long beta, int h, int w) {
        long[] out = new long[h * w];
        long ay = 1;
        for (int y = 0; y < h; y++, ay = Field31.mul(ay, alpha)) {
            long e = ay;
            for (int x = 0; x < w; x++, e = Field31.mul(e, beta)) out[y * w + x] = e;
        }
        return out;
    }

    /** g and uf of round k, and the zero point's share of the right side (it does not depend on the input). */
    private void prepareShifts(int k, long alpha, long beta) {
        int kh = w.kernelH();
        int kw = w.kernelW();
        g[k] = grid(alpha, beta, in.height(), in.width());
        uf[k] = new long[l.depth()];
        long ai = Field31.inverse(alpha);
        long bi = Field31.inverse(beta);
        long zeroPointPart = 0;
        for (int ki = 0; ki < kh; ki++) {
            int ey = ki * w.dilationH() - w.padTop();
            long fy = ey >= 0 ? Field31.pow(ai, ey) : Field31.pow(alpha, -(long) ey);
            long rows = 0; // Σ α^iy over the kept rows
            for (int iy = y0[ki]; iy < y1[ki]; iy++) rows = Field31.add(rows, g[k][iy * in.width()]);
            for (int kj = 0; kj < kw; kj++) {
                int ex = kj * w.dilationW() - w.padLeft();
                long f = Field31.mul(fy, ex >= 0 ? Field31.pow(bi, ex) : Field31.pow(beta, -(long) ex));
                long cols = 0;
                for (int ix = x0[kj]; ix < x1[kj]; ix++) cols = Field31.add(cols, g[k][ix]);
                long rect = Field31.mul(rows, cols);
                for (int c = 0; c < in.channels(); c++) {
                    int t = (c * kh + ki) * kw + kj;
                    uf[k][t] = Field31.mul(v.u()[k][t], f);
                    zeroPointPart = Field31.add(zeroPointPart, Field31.mul(uf[k][t], rect));
                }
            }
        }
        constant[k] = Field31.sub(constant[k], Field31.mul(Field31.of(l.inputZeroPoint()), zeroPointPart));
    }

    @Override
    public String check(int rounds, MemorySegment acc, long at, ByteOrder order, byte[] x, byte[] acts) {
        int positions = outH * outW;
        String requant = null;
        for (int o = 0; o < l.outputs() && requant == null; o++) {
            long row = at + 4L * o * positions;
            int q = AccumulatorRows.check(l, o, acc, row, order, acts, o * positions, positions, v.lo()[o], v.width()[o]);
            if (q == positions) continue;
            String outside = outside(acc, at, order, o, q);
            if (outside != null) return outside;
            requant = "output channel " + o + " position " + q + " is not the requantized accumulator";
        }
        for (int k = 0; k < rounds; k++) {
            long left = 0;
            for (int o = 0; o < l.outputs(); o++) {
                long d = AccumulatorRows.dot(acc, at + 4L * o * positions, order, positions, v.lo()[o], s[k], 0);
                left = Field31.add(left, Field31.mul(v.r()[k][o], d));
            }
            long right = g != null ? shifted(k, x) : direct(k, x);
            if (left != right) return "accumulators fail the Freivalds check (round " + k + ")";
        }
        return requant;
    }

    /** The first accumulator from channel o position q on that is outside its range, described; else null. */
    private String outside(MemorySegment acc, long at, ByteOrder order, int o, int q) {
        int positions = outH * outW;
        for (int c = o; c < l.outputs(); c++) {
            for (int p = c == o ? q : 0; p < positions; p++) {
                int a = acc.get(JAVA_INT_UNALIGNED.withOrder(order), at + 4L * (c * positions + p));
                if (Integer.compareUnsigned(a - v.lo()[c], v.width()[c]) > 0) return v.outside(c, p, a);
            }
        }
        return null;
    }

    /** The right side of round k with stride 1: per plane one weighted sum, less the rows and columns cut off. */
    private long shifted(int k, byte[] x) {
        int h = in.height();
        int wd = in.width();
        int plane = in.plane();
        int top = 0;
        int bottom = h;
        int left = 0;
        int right = wd;
        for (int ki = 0; ki < y0.length; ki++) {
            top = Math.max(top, y0[ki]);
            bottom = Math.min(bottom, y1[ki]);
        }
        for (int kj = 0; kj < x0.length; kj++) {
            left = Math.max(left, x0[kj]);
            right = Math.min(right, x1[kj]);
        }
        long[] gk = g[k];
        long[] rowSums = new long[h];
        long[] colSums = new long[wd];
        long sum = constant[k];
        for (int c = 0; c < in.channels(); c++) {
            int base = c * plane;
            long total = AccumulatorRows.dotBytes(x, base, gk, 0, plane);
            for (int iy = 0; iy < h; iy++) {
                if (iy < top || iy >= bottom) rowSums[iy] = AccumulatorRows.dotBytes(x, base + iy * wd, gk, iy * wd, wd);
            }
            for (int ix = 0; ix < wd; ix++) {
                if (ix >= left && ix < right) continue;
                long col = 0;
                for (int iy = 0; iy < h; iy++) col = Field31.reduce(col + Field31.of(x[base + iy * wd + ix]) * gk[iy * wd + ix]);
                colSums[ix] = col;
            }
            for (int ki = 0; ki < y0.length; ki++) {
                for (int kj = 0; kj < x0.length; kj++) {
                    long rect = cut(total, ki, kj, rowSums, colSums, x, base, gk);
                    sum = Field31.add(sum, Field31.mul(uf[k][(c * y0.length + ki) * x0.length + kj], rect));
                }
            }
        }
        return sum;
    }

    /**
     * The plane's weighted sum over rows [y0, y1) × columns [x0, x1) of kernel offset (ki, kj): the whole plane's,
     * less the rows and the columns cut off, plus their crossings (taken off twice).
     */
    private long cut(long total, int ki, int kj, long[] rowSums, long[] colSums, byte[] x, int base, long[] gk) {
        int h = in.height();
        int wd = in.width();
        long off = 0;
        for (int iy = 0; iy < h; iy++) {
            if (iy == y0[ki]) iy = y1[ki];
            if (iy < h) off = Field31.add(off, rowSums[iy]);
        }
        for (int ix = 0; ix < wd; ix++) {
            if (ix == x0[kj]) ix = x1[kj];
            if (ix >= wd) break;
            off = Field31.add(off, colSums[ix]);
            for (int iy = 0; iy < h; iy++) {
                if (iy == y0[ki]) iy = y1[ki];
                if (iy < h) off = Field31.sub(off, Field31.mul(Field31.of(x[base + iy * wd + ix]), gk[iy * wd + ix]));
            }
        }
        return Field31.sub(total, off);
    }

    /** The right side of round k for any window: Σ_t u_t·Σ_q s_q·X'[t][q] over the patches. */
    private long direct(int k, byte[] x) {
        int kh = w.kernelH();
        int kw = w.kernelW();
        int zx = l.inputZeroPoint();
        long sum = constant[k];
        for (int c = 0; c < in.channels(); c++) {
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++) {
                    long z = 0;
                    for (int oy = 0; oy < outH; oy++) {
                        int iy = oy * w.strideH() - w.padTop() + ki * w.dilationH();
                        if (iy < 0 || iy >= in.height()) continue;
                        long rowSum = 0;
                        for (int ox = 0; ox < outW; ox++) {
                            int ix = ox * w.strideW() - w.padLeft() + kj * w.dilationW();
                            if (ix >= 0 && ix < in.width()) {
                                rowSum += s[k][oy * outW + ox] * (x[c * in.plane() + iy * in.width() + ix] - zx);
                            }
                        }
                        z = Field31.add(z, Field31.of(rowSum));
                    }
                    sum = Field31.add(sum, Field31.mul(v.u()[k][(c * kh + ki) * kw + kj], z));
                }
            }
        }
        return sum;
    }
}
