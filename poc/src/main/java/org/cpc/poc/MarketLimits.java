package org.cpc.poc;

import org.cpc.http.HttpService;

/**
 * The connection caps of the Task Market that an operator may change ({@code cpc poc start} flags; defaults
 * {@link #DEFAULTS}). See docs/operations.md ("Connection limits").
 *
 * @param httpMaxConnections HTTP connections in all, {@code /worker} WebSockets included
 * @param httpMaxConnectionsPerIp HTTP connections from one IP address
 * @param wsMaxUnauthenticated {@code /worker} sessions that have not said hello yet, in all
 * @param wsMaxUnauthenticatedPerIp the same from one IP address
 */
public record MarketLimits(int httpMaxConnections, int httpMaxConnectionsPerIp, int wsMaxUnauthenticated,
                           int wsMaxUnauthenticatedPerIp) {
    public static final MarketLimits DEFAULTS = new MarketLimits(HttpService.ConnectionLimits.DEFAULTS.maxConnections(),
            HttpService.ConnectionLimits.DEFAULTS.maxConnectionsPerIp(), 128, 32);
    /** Far above what one process can serve; a bigger number is a typo. */
    public static final int MAX = 1_000_000;

    public MarketLimits {
        range("--http-max-connections", httpMaxConnections);
        range("--http-max-connections-per-ip", httpMaxConnectionsPerIp);
        range("--ws-max-unauthenticated", wsMaxUnauthenticated);
        range("--ws-max-unauthenticated-per-ip", wsMaxUnauthenticatedPerIp);
        if (httpMaxConnectionsPerIp > httpMaxConnections) {
            throw new IllegalArgumentException("--http-max-connections-per-ip (" + httpMaxConnectionsPerIp
                    + ") must not exceed --http-max-connections (" + httpMaxConnections + ")");
        }
        if (wsMaxUnauthenticatedPerIp > wsMaxUnauthenticated) {
            throw new IllegalArgumentException("--ws-max-unauthenticated-per-ip (" + wsMaxUnauthenticatedPerIp
                    + ") must not exceed --ws-max-unauthenticated (" + wsMaxUnauthenticated + ")");
        }
    }

    private static void range(String flag, int value) {
        if (value < 1 || value > MAX) throw new IllegalArgumentException(flag + " must be 1.." + MAX + ", not " + value);
    }

    /** The HTTP server's caps (idle timeout and header size as {@link HttpService.ConnectionLimits#DEFAULTS}). */
    public HttpService.ConnectionLimits http() {
        HttpService.ConnectionLimits d = HttpService.ConnectionLimits.DEFAULTS;
        return new HttpService.ConnectionLimits(httpMaxConnections, httpMaxConnectionsPerIp, d.idleTimeoutMs(),
                d.maxRequestHeaderBytes());
    }
}
