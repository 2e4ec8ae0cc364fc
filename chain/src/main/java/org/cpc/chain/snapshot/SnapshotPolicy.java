package org.cpc.chain.snapshot;

import java.nio.file.Path;

/**
 * When a node takes state snapshots and how many it keeps ({@code cpc node start --snapshot-interval N
 * --snapshot-keep N}; the chunk size is {@link #DEFAULT_CHUNK_BYTES} there, smaller in tests).
 *
 * @param dir where snapshots are written, one directory per height
 * @param interval a snapshot of the state at every height that is a multiple of this; 0 takes none
 * @param keep how many of the newest snapshots stay on disk
 * @param chunkBytes the size chunks are cut at
 */
public record SnapshotPolicy(Path dir, long interval, int keep, int chunkBytes) {
    /** About every 17 minutes of one-second blocks. */
    public static final long DEFAULT_INTERVAL = 1000;
    public static final int DEFAULT_KEEP = 2;
    /** 4 MiB chunks: 100,000 accounts make about two. */
    public static final int DEFAULT_CHUNK_BYTES = 4 << 20;

    public SnapshotPolicy {
        if (interval < 0) throw new IllegalArgumentException("snapshot_interval must be 0 (none) or more; got " + interval);
        if (keep < 1) throw new IllegalArgumentException("snapshot_keep must be at least 1; got " + keep);
        if (chunkBytes < SnapshotChunks.MIN_CHUNK_BYTES || chunkBytes > SnapshotManifest.MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("snapshot_chunk_bytes must be " + SnapshotChunks.MIN_CHUNK_BYTES + ".."
                    + SnapshotManifest.MAX_CHUNK_BYTES + "; got " + chunkBytes);
        }
    }

    public boolean enabled() {
        return interval > 0;
    }

    /** Whether the state of {@code height} is snapshotted. */
    public boolean at(long height) {
        return enabled() && height > 0 && height % interval == 0;
    }
}
