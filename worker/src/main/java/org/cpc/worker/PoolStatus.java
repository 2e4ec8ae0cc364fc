package org.cpc.worker;

import java.math.BigInteger;
import java.util.Locale;
import org.cpc.protocol.types.Amounts;

/**
 * A snapshot of a pool worker for its status line.
 *
 * @param connected whether it is connected and authenticated to the PoC validator
 * @param done      jobs whose output the PoC validator accepted
 * @param rejected  jobs whose output it refused
 * @param inFlight  jobs being computed now
 * @param earnedWei the per-job rewards of accepted jobs, as the PoC validator announced them
 */
public record PoolStatus(String backend, double gops, boolean connected, long done, long rejected, int inFlight,
                         BigInteger earnedWei) {
    public String line() {
        return String.format(Locale.ROOT, "%s %s | pool %s | jobs done %d rejected %d running %d | earned %s CPC",
                backend, Double.isNaN(gops) ? "- GOPS" : String.format(Locale.ROOT, "%.1f GOPS", gops),
                connected ? "connected" : "connecting", done, rejected, inFlight, Amounts.formatCpc(earnedWei));
    }
}
