package org.cpc.poc;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a PoC validator runs. Every limit is named here.
 *
 * @param dataDir              RocksDB ({@code db/}), blobs ({@code blobs/}) and larger job outputs ({@code outputs/})
 * @param host                 where the Task Market listens
 * @param port                 Task Market port (0: any free port)
 * @param maxBlobBytes         largest upload (POST /blobs); larger bodies get 413
 * @param maxResultBytes       largest job output a worker may send in one result frame
 * @param jobTimeout           the longest timeout of a job (each gets one scaled to its size and the worker's speed):
 *                             a job not answered within its timeout is taken back and given to another worker
 * @param maxJobsPerWorker     most jobs in flight on one worker (a worker may ask for fewer)
 * @param duplicateProbability chance that an accepted job is also run by a second worker and compared
 * @param heartbeat            how often workers must send a heartbeat; three missed ones close the connection
 * @param maxPendingL1         most transactions (SUBMIT_RESULTs, payments) waiting in the L1 mempool at once
 * @param retention            how long finished tasks and unused blobs are kept
 * @param limits               the Task Market's connection caps
 */
public record PocConfig(Path dataDir, String host, int port, long maxBlobBytes, int maxResultBytes, Duration jobTimeout,
                        int maxJobsPerWorker, double duplicateProbability, Duration heartbeat, int maxPendingL1,
                        Retention retention, MarketLimits limits) {
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BLOB_BYTES = 256L << 20;
    public static final int DEFAULT_MAX_RESULT_BYTES = 64 << 20;

    public PocConfig {
        if (maxBlobBytes < 1) throw new IllegalArgumentException("max blob size must be positive");
        if (maxResultBytes < 1024) throw new IllegalArgumentException("max result size must be at least 1024 bytes");
        if (maxJobsPerWorker < 1 || maxJobsPerWorker > 4096) throw new IllegalArgumentException("jobs per worker must be 1..4096");
        if (!(duplicateProbability >= 0 && duplicateProbability <= 1)) {
            throw new IllegalArgumentException("duplicate probability must be in [0, 1]");
        }
        if (maxPendingL1 < 1) throw new IllegalArgumentException("max pending L1 transactions must be positive");
        if (limits == null) limits = MarketLimits.DEFAULTS;
    }

    public static PocConfig defaults(Path dataDir) {
        return new PocConfig(dataDir, "127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_BLOB_BYTES, DEFAULT_MAX_RESULT_BYTES,
                Duration.ofSeconds(120), 8, 0.05, Duration.ofSeconds(5), 32, Retention.DEFAULTS, MarketLimits.DEFAULTS);
    }

    public PocConfig withPort(int port) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, jobTimeout, maxJobsPerWorker,
                duplicateProbability, heartbeat, maxPendingL1, retention, limits);
    }

    public PocConfig withMaxBlobBytes(long max) {
        return new PocConfig(dataDir, host, port, max, maxResultBytes, jobTimeout, maxJobsPerWorker,
                duplicateProbability, heartbeat, maxPendingL1, retention, limits);
    }

    public PocConfig withJobTimeout(Duration timeout) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, timeout, maxJobsPerWorker,
                duplicateProbability, heartbeat, maxPendingL1, retention, limits);
    }

    public PocConfig withMaxResultBytes(int max) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, max, jobTimeout, maxJobsPerWorker,
                duplicateProbability, heartbeat, maxPendingL1, retention, limits);
    }

    public PocConfig withDuplicateProbability(double p) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, jobTimeout, maxJobsPerWorker, p,
                heartbeat, maxPendingL1, retention, limits);
    }

    public PocConfig withMaxJobsPerWorker(int jobs) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, jobTimeout, jobs,
                duplicateProbability, heartbeat, maxPendingL1, retention, limits);
    }

    public PocConfig withHeartbeat(Duration hb) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, jobTimeout, maxJobsPerWorker,
                duplicateProbability, hb, maxPendingL1, retention, limits);
    }

    public PocConfig withRetention(Retention r) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, jobTimeout, maxJobsPerWorker,
                duplicateProbability, heartbeat, maxPendingL1, r, limits);
    }

    public PocConfig withLimits(MarketLimits l) {
        return new PocConfig(dataDir, host, port, maxBlobBytes, maxResultBytes, jobTimeout, maxJobsPerWorker,
                duplicateProbability, heartbeat, maxPendingL1, retention, l);
    }

    /**
     * What the {@link org.cpc.poc.core.PocMachine} needs of these settings. A verified job waits for its duplicate
     * run at most one job timeout; a connection has 10 s to answer the challenge.
     */
    public org.cpc.poc.core.PocMachine.Rules rules(String validator) {
        return new org.cpc.poc.core.PocMachine.Rules(validator, maxJobsPerWorker, heartbeat.toMillis(),
                jobTimeout.toMillis(), maxResultBytes, duplicateProbability, jobTimeout.toMillis(), AUTH_TIMEOUT_MS,
                maxPendingL1);
    }

    /** How long a connection may take to answer the challenge. */
    static final long AUTH_TIMEOUT_MS = 10_000;
}
