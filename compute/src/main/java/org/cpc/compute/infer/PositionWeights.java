package org.cpc.compute.infer;

/**
 * One Freivalds round's secret weights s over a Conv layer's output positions (elements of F_p, so below 2^31),
 * kept twice: in order for the scalar loop, and split into the even and the odd positions for
 * {@link AccumulatorVectors#check}, which reads 16 accumulators as 8 pairs and multiplies the evens and the odds of
 * the pairs apart (entry j of {@code even} is s[2j], of {@code odd} s[2j + 1]).
 */
record PositionWeights(long[] all, long[] even, long[] odd) {
    static PositionWeights of(long[] s) {
        long[] even = new long[(s.length + 1) / 2];
        long[] odd = new long[s.length / 2];
        for (int q = 0; q < s.length; q++) {
            if ((q & 1) == 0) even[q >> 1] = s[q];
            else odd[q >> 1] = s[q];
        }
        return new PositionWeights(s, even, odd);
    }
}
