package org.cpc.compute.infer;

import java.util.random.RandomGenerator;

/**
 * The prime field F_p, p = 2^31 − 1, for the {@link TraceVerifier}'s Freivalds checks: elements are longs in [0, p).
 * A Mersenne prime, so that a product of two elements (below 2^62) reduces with shifts and adds, and a product of
 * an element and a 30-bit integer (below 2^61) leaves room to add three of them in a long before reducing.
 */
final class Field31 {
    static final long P = (1L << 31) - 1;

    private Field31() {}

    /** x mod p for 0 ≤ x &lt; 2^63. */
    static long reduce(long x) {
        x = (x & P) + (x >>> 31);
        x = (x & P) + (x >>> 31);
        return x >= P ? x - P : x;
    }

    /** x mod p for any long, negative ones included. */
    static long of(long x) {
        return x >= 0 ? reduce(x) : P - 1 - reduce(-(x + 1));
    }

    static long mul(long a, long b) {
        return reduce(a * b);
    }

    static long add(long a, long b) {
        long s = a + b;
        return s >= P ? s - P : s;
    }

    static long sub(long a, long b) {
        long s = a - b;
        return s < 0 ? s + P : s;
    }

    /** A uniform element. */
    static long random(RandomGenerator g) {
        return g.nextLong(P);
    }
}
