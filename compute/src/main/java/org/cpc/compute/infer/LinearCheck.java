package org.cpc.compute.infer;

/** The {@link TraceVerifier}'s check of one sample of a Conv or Dense layer. */
sealed interface LinearCheck permits ConvCheck, DenseCheck {
    /**
     * Sample's accumulators (from byte {@code at} of {@code acc}, int32 little-endian), its input {@code x} and
     * activations {@code acts}, with {@code rounds} Freivalds rounds: null when they pass, else what is wrong. A value
     * outside its channel's range is reported first (the rounds are sound only without one), then a failed round,
     * then a wrong requantization.
     */
    String check(int rounds, byte[] acc, int at, byte[] x, byte[] acts);

    /** The failure of round k. */
    static String freivalds(int round) {
        return "accumulators fail the Freivalds check (round " + round + ")";
    }
}
