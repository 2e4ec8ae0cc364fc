package org.cpc.compute;

/** Where a worker's time went for one synthetic result, in nanoseconds. */
public record ProverTimings(long generateNanos, long multiplyNanos, long commitNanos, long proveNanos) {
    public long totalNanos() {
        return generateNanos + multiplyNanos + commitNanos + proveNanos;
    }
}
