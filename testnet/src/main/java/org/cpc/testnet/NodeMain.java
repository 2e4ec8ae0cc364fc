package org.cpc.testnet;

import java.nio.file.Path;
import java.time.InstantSource;
import org.cpc.node.DataDir;
import org.cpc.node.NodeRunner;

/**
 * A testnet node process: {@code NodeMain DATA_DIR} runs the node of a devnet data dir as {@code cpc node start
 * --data-dir DATA_DIR} does (node.json as written, the devnet key password from it), until SIGTERM or SIGKILL. It
 * lives here rather than the harness calling {@code cpc} because the {@code cpc} command depends on this module.
 */
public final class NodeMain {
    private NodeMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) throw new IllegalArgumentException("usage: NodeMain DATA_DIR");
        NodeRunner node = NodeRunner.start(new DataDir(Path.of(args[0])), null, InstantSource.system(), () -> {
            throw new IllegalStateException(args[0] + "/node.json has no key_password: not a devnet data dir");
        }).closeOnShutdown();
        node.awaitClose();
    }
}
