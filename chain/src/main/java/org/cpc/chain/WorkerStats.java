package org.cpc.chain;

import java.math.BigInteger;

/** A worker's committed record: how many of its results were accepted and the wei they earned it. */
public record WorkerStats(long accepted, BigInteger earned) {
    public static final WorkerStats NONE = new WorkerStats(0, BigInteger.ZERO);
}
