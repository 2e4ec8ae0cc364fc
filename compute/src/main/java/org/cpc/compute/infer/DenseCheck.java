package org.cpc.compute.infer;

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
    /** Per channel, for the vector pass: multiplier, lo·multiplier + 2^(shift−1), shift. */
    private final long[] multipliers;
    private final long[] roundings;
    private final long[] shifts;

    DenseCheck(Op.Dense d, int rounds, RandomGenerator secret) {
        this.l = d.linear();
        this.v = LinearRounds.of(l, rounds, secret);
        constant = new long[rounds];
        for (int k = 0; k < rounds; k++) {
            long u = 0;
            for (long ut : v.u()[k]) u = Field31.add(u, ut);
            constant[k] = Field31.sub(v.biasTerm(l, k), Field31.mul(Field31.of(l.inputZeroPoint()), u));
        }
        int outputs = l.outputs();
        multipliers = new long[outputs];
        roundings = new long[outputs];
        shifts = new long[outputs];
        for (int o = 0; o < outputs; o++) {
            Requant r = l.requant()[o];
            multipliers[o] = r.multiplier();
            roundings[o] = (long) v.lo()[o] * r.multiplier() + (1L << (r.shift() - 1));
            shifts[o] = r.shift();
        }
    }

    /** Rounds 0 and 1 in the pass that checks ranges and requantization (on vectors where it can), further ones after. */
    @Override
    public String check(int rounds, byte[] acc, int at, byte[] x, byte[] acts) {
        int outputs = l.outputs();
        long[] sums = new long[2];
        int o = Epilogue.VECTORS ? AccumulatorVectors.checkRow(acc, at, acts, outputs, v.lo(), v.width(),
                multipliers, roundings, shifts, l.outputZeroPoint(), l.low(), v.r()[0], v.r()[1], sums) : 0;
        long left0 = sums[0];
        long left1 = sums[1];
        String requant = null;
        for (; o < outputs; o++) {
            int a = AccumulatorRows.get(acc, at + 4 * o);
            if (Integer.compareUnsigned(a - v.lo()[o], v.width()[o]) > 0) return v.outside(o, 0, a);
            if (requant == null && acts[o] != l.output(o, a)) {
                requant = "output channel " + o + " is not the requantized accumulator";
            }
            left0 = Field31.reduce(left0 + v.r()[0][o] * (long) (a - v.lo()[o]));
            left1 = Field31.reduce(left1 + v.r()[1][o] * (long) (a - v.lo()[o]));
        }
        if (left0 != right(0, x)) return LinearCheck.freivalds(0);
        if (left1 != right(1, x)) return LinearCheck.freivalds(1);
        for (int k = 2; k < rounds; k++) {
            long[] r = v.r()[k];
            long left = 0;
            for (o = 0; o < outputs; o++) {
                long a = AccumulatorRows.get(acc, at + 4 * o) - (long) v.lo()[o];
                left = Field31.reduce(left + r[o] * a);
            }
            if (left != right(k, x)) return LinearCheck.freivalds(k);
        }
        return requant;
    }

    private long right(int k, byte[] x) {
        return Field31.add(constant[k], AccumulatorRows.dotBytes(x, 0, v.u()[k], 0, l.depth()));
    }
}
