package org.cpc.node;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layout of a node's data dir: {@code genesis.json}, {@code node.json}, {@code keys/} (the keyring: validator,
 * operator and on devnet faucet keys), {@code p2p/} (the node's P2P key, apart from account keys), {@code db/}
 * (RocksDB), {@code consensus/} (the validator's double-sign guard and consensus WAL, and recorded evidence) and
 * {@code node.lock}, held while a node runs.
 */
public record DataDir(Path root) {
    public DataDir {
        root = root.toAbsolutePath().normalize();
    }

    public Path genesis() {
        return root.resolve("genesis.json");
    }

    public Path keys() {
        return root.resolve("keys");
    }

    public Path p2p() {
        return root.resolve("p2p");
    }

    public Path db() {
        return root.resolve("db");
    }

    /** State snapshots this node takes and serves to peers (state sync). */
    public Path snapshots() {
        return root.resolve("snapshots");
    }

    /**
     * Consensus state that must survive a crash, and that moves with the validator when it moves (stopped first): a
     * copy running beside the original double-signs (docs/operations.md, "Moving a validator").
     */
    public Path consensus() {
        return root.resolve("consensus");
    }

    public Path lockFile() {
        return root.resolve("node.lock");
    }

    public boolean initialised() {
        return Files.isRegularFile(genesis()) && Files.isRegularFile(root.resolve(NodeConfig.FILE));
    }
}
