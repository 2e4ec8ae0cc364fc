package org.cpc.cli;

/**
 * What {@code cpc bench tps --rate} asks for: a fixed rate in tx/s, or a percentage of the capacity that a
 * saturated run on the same network measures first (the committed tx/s), so that the latency at a given share
 * of capacity comes from one sitting.
 */
record OfferedRate(long txPerS, int percentOfCapacity) {
    static final long MAX_TX_PER_S = 1_000_000;

    /** "800" (tx/s, 1..{@value #MAX_TX_PER_S}) or "80%" (of the capacity measured first, 1..100). */
    static OfferedRate parse(String s) {
        String t = s.strip();
        try {
            if (t.endsWith("%")) {
                int p = Integer.parseInt(t.substring(0, t.length() - 1).strip());
                if (p < 1 || p > 100) throw new IllegalArgumentException("--rate " + s + ": a percentage must be 1..100");
                return new OfferedRate(0, p);
            }
            long r = Long.parseLong(t);
            if (r < 1 || r > MAX_TX_PER_S) {
                throw new IllegalArgumentException("--rate " + s + ": tx/s must be 1.." + MAX_TX_PER_S);
            }
            return new OfferedRate(r, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rate " + s + ": expected tx/s (e.g. 800) or a percentage of the"
                    + " measured capacity (e.g. 80%)");
        }
    }

    boolean relative() {
        return percentOfCapacity > 0;
    }

    /** The rate for a capacity of {@code committedTps} (at least 1 tx/s). */
    long of(double committedTps) {
        return Math.max(1, Math.round(committedTps * percentOfCapacity / 100));
    }
}
