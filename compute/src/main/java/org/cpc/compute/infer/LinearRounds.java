package org.cpc.compute.infer;

import java.util.random.RandomGenerator;

/**
 * What the checks of a Conv or Dense layer share: per output channel o the range [lo_o, lo_o + width_o] that every
 * accumulator of o lies in whatever the int8 input, and per round secret r (uniform in F_p, one per channel) with
 * u_t = Σ_o r_o·(w[o][t] − zw_o) mod p. Since width_o = 255·Σ_t |w[o][t] − zw_o| ≤ 255·255·{@link IntLinear#MAX_DEPTH}
 * &lt; 2^30 &lt; p, two accumulators in the range that differ, differ mod p: the check in F_p loses nothing.
 */
record LinearRounds(int[] lo, int[] width, long[][] r, long[][] u) {
    static LinearRounds of(IntLinear l, int rounds, RandomGenerator secret) {
        int outputs = l.outputs();
        int depth = l.depth();
        int zx = l.inputZeroPoint();
        int[] lo = new int[outputs];
        int[] width = new int[outputs];
        for (int o = 0; o < outputs; o++) {
            long low = l.bias()[o];
            long span = 0;
            for (int t = 0; t < depth; t++) {
                int w = l.weights()[o * depth + t] - l.weightZeroPoints()[o];
                low += w >= 0 ? (long) (-128 - zx) * w : (long) (127 - zx) * w;
                span += 255L * Math.abs(w);
            }
            lo[o] = Math.toIntExact(low);
            width[o] = Math.toIntExact(span);
        }
        long[][] r = new long[rounds][outputs];
        long[][] u = new long[rounds][depth];
        for (int k = 0; k < rounds; k++) {
            long[] exact = new long[depth];
            for (int o = 0; o < outputs; o++) {
                long ro = Field31.random(secret);
                r[k][o] = ro;
                for (int t = 0; t < depth; t++) exact[t] += ro * (l.weights()[o * depth + t] - l.weightZeroPoints()[o]);
                if ((o & 0xffff) == 0xffff) for (int t = 0; t < depth; t++) exact[t] = Field31.of(exact[t]);
            }
            for (int t = 0; t < depth; t++) u[k][t] = Field31.of(exact[t]);
        }
        return new LinearRounds(lo, width, r, u);
    }

    /** Σ_o r_o·(bias_o − lo_o) mod p in round k: the part of Σ_o r_o·(acc_o − lo_o) that no input changes. */
    long biasTerm(IntLinear l, int k) {
        long sum = 0;
        for (int o = 0; o < lo.length; o++) sum = Field31.add(sum, Field31.mul(r[k][o], Field31.of((long) l.bias()[o] - lo[o])));
        return sum;
    }

    /** The first accumulator of channel o outside its range, described, for a failure message. */
    String outside(int o, int position, int acc) {
        return "accumulator of channel " + o + " at position " + position + " is " + acc + ", outside [" + lo[o] + ", "
                + ((long) lo[o] + width[o]) + "], the range its int8 inputs allow";
    }
}
