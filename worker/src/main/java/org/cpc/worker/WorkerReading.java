package org.cpc.worker;

import java.math.BigInteger;

/**
 * What a worker's metrics read of it at a scrape: totals since it started and its state now.
 *
 * @param mode        "solo" or "pool"
 * @param connected   solo: following the node's blocks (events or polling); pool: authenticated to the PoC validator
 * @param computed    jobs computed to the end (solo: synthetic proofs; pool: market jobs whose output was made)
 * @param accepted    solo: results included in a block; pool: jobs the PoC validator verified and accepted
 * @param refused     solo: results the node refused or dropped; pool: jobs the PoC validator rejected
 * @param running     solo: results sent and not yet in a block; pool: jobs being computed now
 * @param earnedWei   solo: rewards the chain paid for included results; pool: rewards announced with acceptances
 * @param gops        the last GOPS figure (solo: last multiply; pool: the start-up measurement); NaN before one
 * @param bytesIn     bytes received for work: pool blobs downloaded (solo receives none worth counting)
 * @param bytesOut    bytes of results sent: a solo result transaction's JSON, a pool job's output
 */
public record WorkerReading(String mode, boolean connected, long computed, long accepted, long refused, int running,
                            BigInteger earnedWei, double gops, long bytesIn, long bytesOut) {
}
