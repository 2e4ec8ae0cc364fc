package org.cpc.testnet;

import java.nio.file.Path;
import java.time.InstantSource;
import org.cpc.node.DataDir;
import org.cpc.node.NodeRunner;

/**
 * A testnet node process: {@code NodeMain DATA_DIR [--clock-offset-file FILE]} runs the node of a devnet data dir
 * as {@code cpc node start --data-dir DATA_DIR} does (node.json as written, the devnet key password from it), until
 * SIGTERM or SIGKILL. It lives here rather than the harness calling {@code cpc} because the {@code cpc} command
 * depends on this module.
 *
 * <p>{@code --clock-offset-file} is a test-only debug option: the node's clock (block timestamps, the
 * {@code max_future_block_ms} rule, consensus) is the system clock plus the offset in milliseconds the file holds,
 * followed as the harness rewrites it ({@link SkewedClock}).
 */
public final class NodeMain {
    static final String CLOCK_OFFSET_FILE = "--clock-offset-file";

    private NodeMain() {}

    public static void main(String[] args) throws InterruptedException {
        InstantSource clock;
        if (args.length == 1) {
            clock = InstantSource.system();
        } else if (args.length == 3 && args[1].equals(CLOCK_OFFSET_FILE)) {
            clock = SkewedClock.follow(Path.of(args[2]));
        } else {
            throw new IllegalArgumentException("usage: NodeMain DATA_DIR [" + CLOCK_OFFSET_FILE + " FILE]");
        }
        NodeRunner node = NodeRunner.start(new DataDir(Path.of(args[0])), null, clock, () -> {
            throw new IllegalStateException(args[0] + "/node.json has no key_password: not a devnet data dir");
        }).closeOnShutdown();
        node.awaitClose();
    }
}
