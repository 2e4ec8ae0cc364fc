package org.cpc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.cpc.client.NodeClient;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.params.NetworkParams;

/**
 * A devnet node in this process on a port of its own ({@code <dir>/node}), with the keyring directory
 * ({@code <dir>/keys}) and password file ({@code <dir>/password}) the CLI tests run {@code cpc} with against it.
 */
record LiveNode(NodeRunner runner, String url, NodeClient client, Path keys, Path passwordFile) implements AutoCloseable {
    static LiveNode start(Path dir, NetworkParams params, String password) throws Exception {
        NodeInit.init(dir.resolve("node"), params, null, "validator", 0, null, System.currentTimeMillis());
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password + "\n");
        NodeRunner runner = NodeRunner.start(new DataDir(dir.resolve("node")), 0, InstantSource.system(), () -> null);
        String url = "http://127.0.0.1:" + runner.port();
        return new LiveNode(runner, url, new NodeClient(url), dir.resolve("keys"), passwordFile);
    }

    @Override
    public void close() {
        runner.close();
    }
}
