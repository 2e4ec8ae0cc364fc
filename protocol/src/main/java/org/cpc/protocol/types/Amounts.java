package org.cpc.protocol.types;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact amounts. Inside the protocol every amount is an integer number of wei; people read and write decimal CPC
 * (1 CPC = 10^18 wei). Conversions never round: more than 18 decimals is an error, not a truncation.
 */
public final class Amounts {
    public static final int DECIMALS = 18;
    public static final BigInteger WEI_PER_CPC = BigInteger.TEN.pow(DECIMALS);
    /** Amounts are bounded like a uint256, so no arithmetic on them can grow without limit. */
    public static final BigInteger MAX_WEI = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    private static final int MAX_DIGITS = 78; // digits of 2^256 - 1

    private Amounts() {}

    /** Parses decimal wei: digits only, no sign, no leading zeros, at most 2^256 − 1. */
    public static BigInteger parseWei(String s) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("amount is empty; expected decimal wei");
        if (s.length() > MAX_DIGITS) throw new IllegalArgumentException("amount has more than " + MAX_DIGITS + " digits");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("amount '" + s + "' is not decimal wei (digits only, no sign,"
                        + " no decimal point; use CPC strings such as \"10.0\" only where an API says CPC)");
            }
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            throw new IllegalArgumentException("amount '" + s + "' has a leading zero");
        }
        BigInteger v = new BigInteger(s);
        if (v.compareTo(MAX_WEI) > 0) throw new IllegalArgumentException("amount exceeds 2^256 - 1 wei");
        return v;
    }

    /** Parses a decimal CPC string such as "10", "10.0" or "0.000000000000000001" into wei. */
    public static BigInteger parseCpc(String s) {
        if (s == null || s.isBlank()) throw new IllegalArgumentException("CPC amount is empty");
        String t = s.strip();
        if (!t.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new IllegalArgumentException("CPC amount '" + s + "' must look like 10 or 10.5 (no sign, no exponent)");
        }
        BigDecimal d = new BigDecimal(t);
        if (d.stripTrailingZeros().scale() > DECIMALS) {
            throw new IllegalArgumentException("CPC amount '" + s + "' has more than " + DECIMALS
                    + " decimals; 1 wei = 0.000000000000000001 CPC is the smallest unit");
        }
        BigInteger wei = d.movePointRight(DECIMALS).toBigIntegerExact();
        if (wei.compareTo(MAX_WEI) > 0) throw new IllegalArgumentException("CPC amount '" + s + "' is too large");
        return wei;
    }

    /** Formats wei as decimal CPC with at least one decimal: 10 CPC is "10.0", 1 wei is "0.000000000000000001". */
    public static String formatCpc(BigInteger wei) {
        if (wei.signum() < 0) return "-" + formatCpc(wei.negate());
        BigInteger[] qr = wei.divideAndRemainder(WEI_PER_CPC);
        String frac = qr[1].toString();
        frac = "0".repeat(DECIMALS - frac.length()) + frac;
        int end = frac.length();
        while (end > 1 && frac.charAt(end - 1) == '0') end--;
        return qr[0] + "." + frac.substring(0, end);
    }

    public static BigInteger cpc(long whole) {
        return BigInteger.valueOf(whole).multiply(WEI_PER_CPC);
    }
}
