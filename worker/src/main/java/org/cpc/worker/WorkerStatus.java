package org.cpc.worker;

import java.math.BigInteger;
import java.util.Locale;
import org.cpc.protocol.types.Amounts;

/**
 * A snapshot of a worker for its status line.
 *
 * @param backend short name of the GEMM and its threads, e.g. {@code onednn×2}
 * @param gops billions of int8 operations per second of the last multiply (2n³ / time); NaN before the first
 * @param lastBlock height of the last block worked on; -1 before the first
 * @param pending results sent and not yet in a block
 */
public record WorkerStatus(String backend, int n, double gops, long lastBlock, BlockFeed.Mode feed, long accepted,
                           long rejected, int pending, BigInteger earnedWei) {

    public String line() {
        return String.format(Locale.ROOT, "%s n=%d %s | block %s (%s) | accepted %d rejected %d pending %d | earned %s CPC",
                backend, n, Double.isNaN(gops) ? "- GOPS" : String.format(Locale.ROOT, "%.1f GOPS", gops),
                lastBlock < 0 ? "-" : Long.toString(lastBlock), feed.name().toLowerCase(Locale.ROOT), accepted,
                rejected, pending, Amounts.formatCpc(earnedWei));
    }
}
