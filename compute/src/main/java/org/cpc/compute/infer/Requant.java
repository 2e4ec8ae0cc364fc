package org.cpc.compute.infer;

/**
 * Requantization by an integer multiplier and a right shift: {@code apply(acc) = (acc · multiplier + 2^(shift−1)) >>
 * shift}, in 64-bit arithmetic with an arithmetic shift, i.e. acc·multiplier / 2^shift rounded half up (towards +∞).
 * This is the one place where a model's float scales become integers: {@link #of(double)} derives multiplier and
 * shift from the real multiplier at import, exactly as docs/protocol.md specifies, and after that no float is used.
 *
 * @param multiplier in [2^30, 2^31): the real multiplier's 31 leading significant bits, rounded
 * @param shift      in [1, 62]
 */
public record Requant(int multiplier, int shift) {
    public static final int MIN_SHIFT = 1;
    public static final int MAX_SHIFT = 62;

    public Requant {
        if (multiplier < (1 << 30) || shift < MIN_SHIFT || shift > MAX_SHIFT) {
            throw new OnnxException("requantization multiplier " + multiplier + " shift " + shift + " out of range");
        }
    }

    /** acc·multiplier/2^shift rounded half up; |acc| < 2^31 and multiplier < 2^31, so the product fits a long. */
    public long apply(int acc) {
        return ((long) acc * multiplier + (1L << (shift - 1))) >> shift;
    }

    /**
     * The real multiplier of a layer, s_in·s_w/s_out: the two float32 factors multiplied exactly in double (24-bit
     * significands give at most 48 bits), then one IEEE-754 division rounded to nearest even. Every language with
     * IEEE doubles computes the same value.
     */
    public static double realMultiplier(float inputScale, float weightScale, float outputScale) {
        return (double) inputScale * (double) weightScale / (double) outputScale;
    }

    /**
     * The integers for a real multiplier M, from the bits of the double: M = s·2^e with s the 53-bit significand
     * (implicit one included) so that M = (s/2^53)·2^(e+53); multiplier = ⌊(s + 2^21) / 2^22⌋ (s's top 31 bits,
     * rounded half up) and shift = 31 − (e + 53); a multiplier that rounds up to 2^31 becomes 2^30 with shift − 1.
     * Refused unless M is a positive normal double with 1 ≤ shift ≤ 62 (2^-32 ≤ M &lt; 2^30, about).
     */
    public static Requant of(double m) {
        if (!(m > 0) || Double.isInfinite(m) || m < Double.MIN_NORMAL) {
            throw new OnnxException("requantization multiplier " + m + " must be a positive normal number");
        }
        long bits = Double.doubleToRawLongBits(m);
        long significand = (bits & ((1L << 52) - 1)) | (1L << 52);
        int exponent = (int) ((bits >>> 52) & 0x7ff) - 1075;
        long multiplier = (significand + (1L << 21)) >> 22;
        int shift = 31 - (exponent + 53);
        if (multiplier == 1L << 31) {
            multiplier = 1L << 30;
            shift -= 1;
        }
        if (shift < MIN_SHIFT || shift > MAX_SHIFT) {
            throw new OnnxException("requantization multiplier " + m + " needs shift " + shift + ", outside ["
                    + MIN_SHIFT + ", " + MAX_SHIFT + "]");
        }
        return new Requant((int) multiplier, shift);
    }
}
