package org.cpc.node;

import org.cpc.chain.Pruning;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.node.net.StateSync;

/**
 * What {@code cpc node start} may set beyond {@code node.json}: null or the defaults keep node.json's.
 *
 * @param port REST port, or null for node.json's (0 picks a free port)
 * @param p2p P2P settings, or null for node.json's
 * @param pruning blocks to keep, or null for node.json's
 * @param snapshotInterval a state snapshot every this many blocks (0: none), or null for node.json's
 * @param snapshotKeep how many snapshots stay on disk, or null for node.json's
 * @param snapshotChunkBytes the size snapshot chunks are cut at ({@link SnapshotPolicy#DEFAULT_CHUNK_BYTES})
 * @param stateSync restore the newest snapshot peers offer before joining ({@code --state-sync})
 * @param trust the trusted block of state sync, or null for genesis
 */
public record StartOptions(Integer port, NodeConfig.P2p p2p, Pruning pruning, Long snapshotInterval,
                           Integer snapshotKeep, int snapshotChunkBytes, boolean stateSync, StateSync.Trust trust) {
    public static final StartOptions DEFAULTS = new StartOptions(null, null, null, null, null,
            SnapshotPolicy.DEFAULT_CHUNK_BYTES, false, null);

    public StartOptions {
        if (snapshotInterval != null || snapshotKeep != null) {
            // the same bounds as node.json's, named by the flags'
            try {
                new NodeConfig.Snapshots(snapshotInterval == null ? 0 : snapshotInterval, snapshotKeep == null ? 1 : snapshotKeep);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replace("snapshot_", "--snapshot-"));
            }
        }
        if (trust != null && !stateSync) throw new IllegalArgumentException("--trust-height/--trust-hash need --state-sync");
    }

    public StartOptions withPort(Integer p) {
        return new StartOptions(p, p2p, pruning, snapshotInterval, snapshotKeep, snapshotChunkBytes, stateSync, trust);
    }

    public StartOptions withP2p(NodeConfig.P2p p) {
        return new StartOptions(port, p, pruning, snapshotInterval, snapshotKeep, snapshotChunkBytes, stateSync, trust);
    }

    public StartOptions withPruning(Pruning p) {
        return new StartOptions(port, p2p, p, snapshotInterval, snapshotKeep, snapshotChunkBytes, stateSync, trust);
    }

    /** Snapshots every {@code interval} blocks, {@code keep} kept (null: node.json's), cut in chunks of {@code chunkBytes}. */
    public StartOptions withSnapshots(Long interval, Integer keep, int chunkBytes) {
        return new StartOptions(port, p2p, pruning, interval, keep, chunkBytes, stateSync, trust);
    }

    public StartOptions withSnapshots(long interval, int keep, int chunkBytes) {
        return withSnapshots(Long.valueOf(interval), Integer.valueOf(keep), chunkBytes);
    }

    /** State sync from {@code t} (null: from genesis). */
    public StartOptions withStateSync(StateSync.Trust t) {
        return new StartOptions(port, p2p, pruning, snapshotInterval, snapshotKeep, snapshotChunkBytes, true, t);
    }
}
