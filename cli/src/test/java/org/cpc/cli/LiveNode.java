package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.cpc.client.NodeClient;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;

/**
 * A devnet node in this process on a port of its own ({@code <dir>/node}), with the keyring directory
 * ({@code <dir>/keys}) and password file ({@code <dir>/password}) the CLI tests run {@code cpc} with against it.
 */
record LiveNode(NodeRunner runner, String url, NodeClient client, Path keys, Path passwordFile) implements AutoCloseable {
    /** A new one-validator devnet of {@code params}, keyed "validator". */
    static LiveNode start(Path dir, NetworkParams params, String password) throws Exception {
        NodeInit.init(dir.resolve("node"), params, null, "validator", 0, null, System.currentTimeMillis());
        return open(dir, password);
    }

    /** The node of {@code <dir>/node}, initialised by the caller (a genesis of its own making, say). */
    static LiveNode open(Path dir, String password) throws Exception {
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password + "\n");
        NodeRunner runner = NodeRunner.start(new DataDir(dir.resolve("node")), 0, InstantSource.system(), () -> null);
        String url = "http://127.0.0.1:" + runner.port();
        return new LiveNode(runner, url, new NodeClient(url), dir.resolve("keys"), passwordFile);
    }

    /** A new key {@code name} in the keyring, sent {@code cpc} by the faucet; returns once that is in a block. */
    String fundedKey(String name, String cpc) throws Exception {
        Run add = Run.cpc("keys", "add", name, "--keys-dir", keys.toString(), "--password-file", passwordFile.toString());
        assertThat(add.exit()).as(add.err()).isZero();
        String address = Run.cpc("keys", "show", name, "--address", "--keys-dir", keys.toString()).out().strip();
        assertThat(address).startsWith("cpc1");
        NodeClient.Reply r = client.post("/faucet", Json.object().put("address", address).put("amount", cpc));
        assertThat(r.status()).isEqualTo(200);
        awaitIncluded(r.body().path("tx_hash").asText());
        return address;
    }

    /** Waits until the transaction {@code hash} is in a block, 20 s at most. */
    void awaitIncluded(String hash) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            NodeClient.Reply r = client.get("/tx/" + hash);
            if (r.ok() && r.body().path("status").asText().equals("included")) return;
            Thread.sleep(100);
        }
        throw new AssertionError(hash + " not included within 20 s");
    }

    @Override
    public void close() {
        runner.close();
    }
}
