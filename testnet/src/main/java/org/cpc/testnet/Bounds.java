package org.cpc.testnet;

import java.time.Duration;
import org.cpc.consensus.TimeoutConfig;

/**
 * How long the harness waits for things, all derived from the consensus timeouts ({@link TimeoutConfig#DEFAULT}, as
 * the node runs them with the block time as the commit pause) and the P2P re-dial policy, times a margin for a busy
 * machine. Every wait polls a condition and returns as soon as it holds: the bounds only decide when to give up and
 * call it a violation, never how long a healthy run takes.
 *
 * @param blockTimeMs the network's block time
 * @param loaded how much slower than an idle machine a loaded one may be (four node JVMs on two shared cores)
 */
public record Bounds(long blockTimeMs, int loaded) {
    /** A P2P static peer is re-dialled after at most this long (p2p's Backoff cap). */
    public static final long REDIAL_CAP_MS = 30_000;
    /** The P2P handshake must finish within this (P2pConfig.defaults). */
    public static final long HANDSHAKE_MS = 5_000;
    /**
     * A node's start: JVM, two Argon2id key derivations (64 MiB each), RocksDB, dialling. About 5 s alone, near 30 s
     * when four start at once on a loaded 2-core machine; the margin covers that.
     */
    public static final long STARTUP_MS = 90_000;

    public Bounds {
        if (blockTimeMs < 1 || loaded < 1) throw new IllegalArgumentException("block time and margin must be >= 1");
    }

    /**
     * A height at worst with every link timely: its proposer is down, so round 0 runs out its propose, prevote and
     * precommit timeouts, and round 1 decides after the commit pause.
     */
    public long worstHeightMs() {
        TimeoutConfig t = TimeoutConfig.DEFAULT;
        return t.propose(0) + t.prevote(0) + t.precommit(0) + blockTimeMs;
    }

    /** {@code n} worst heights on a loaded machine. */
    public long heightsMs(int n) {
        return n * worstHeightMs() * loaded;
    }

    /** Nodes that hold a quorum keep finalizing while a fault lasts: a few heights, some with a silent proposer. */
    public Duration underFault() {
        return Duration.ofMillis(heightsMs(3));
    }

    /**
     * After a fault heals: connections come back (a dropped peer is re-dialled within the backoff cap, plus its
     * handshake), a restarted node starts, then a few heights.
     */
    public Duration afterHeal(boolean restarted) {
        return Duration.ofMillis(REDIAL_CAP_MS + HANDSHAKE_MS + (restarted ? STARTUP_MS : 0) + heightsMs(3));
    }

    /** The network's first heights after a cold start of every node. */
    public Duration startup() {
        return Duration.ofMillis(STARTUP_MS + heightsMs(2));
    }
}
