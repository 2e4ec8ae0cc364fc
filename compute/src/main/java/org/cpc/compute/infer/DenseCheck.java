package org.cpc.compute.infer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * The {@link TraceVerifier}'s check of one sample of a Dense layer: every accumulator in its channel's range and
 * requantized to its activation, then per round Σ_o r_o·(acc_o − lo_o) = Σ_o r_o·(bias_o − lo_o) + Σ_t u_t·(x_t − zx)
 * in F_p ({@link LinearRounds}), a polynomial of degree 1 in r.
 */
final class DenseCheck implements LinearCheck {
    private final IntLinear l;
    private final LinearRounds v;
    /** Per round: Σ_o r_o·(bias_o − lo_o) − zx·Σ_t u_t. */
    private final long[] constant;

    DenseCheck(Op.Dense d, int rounds, RandomGenerator secret) {
        this.l = d.linear();
        this.v = LinearRounds.of(l, rounds, secret);
        constant = new long[rounds];
        for (int k = 0; k < rounds; k++) {
            long u = 0;
            for (long ut : v.u()[k]) u = Field31.add(u, ut);
            constant[k] = Field31.sub(v.biasTerm(l, k), Field31.mul(Field31.of(l.inputZeroPoint()), u));
        }
    }

    @Override
    public String check(int rounds, MemorySegment acc, long at, ByteOrder order, byte[] x, byte[] acts) {
        int outputs = l.outputs();
        String requant = null;
        for (int o = 0; o < outputs; o++) {
            int a = AccumulatorRows.get(acc, order, at + 4L * o);
            if (Integer.compareUnsigned(a - v.lo()[o], v.width()[o]) > 0) return v.outside(o, 0, a);
            if (requant == null && acts[o] != l.output(o, a)) {
                requant = "output channel " + o + " is not the requantized accumulator";
            }
        }
        for (int k = 0; k < rounds; k++) {
            long[] r = v.r()[k];
            long left = 0;
            for (int o = 0; o < outputs; o++) {
                long a = AccumulatorRows.get(acc, order, at + 4L * o) - (long) v.lo()[o];
                left = Field31.reduce(left + r[o] * a);
            }
            long right = Field31.add(constant[k], AccumulatorRows.dotBytes(x, 0, v.u()[k], 0, l.depth()));
            if (left != right) return "accumulators fail the Freivalds check (round " + k + ")";
        }
        return requant;
    }
}
