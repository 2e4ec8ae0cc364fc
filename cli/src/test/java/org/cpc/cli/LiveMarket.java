package org.cpc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import org.cpc.client.NodeClient;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.poc.NodeLedger;
import org.cpc.poc.PocConfig;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;

/**
 * A devnet node (200 ms blocks) and a PoC validator run by its operator key, in this process on ports of their
 * own, as the CLI tests that publish market tasks need them, the market's URL announced on chain; {@code <dir>/pw} holds a password for test keyrings.
 */
record LiveMarket(NodeRunner node, String nodeUrl, NodeClient client, AccountKey operator, PocValidator validator) implements AutoCloseable {
    static final String NAME = "test market";

    static LiveMarket start(Path dir) throws Exception {
        NodeInit.init(dir.resolve("node"), NetworkParams.devnet().withBlockTime(200), null, "validator", 0, null,
                System.currentTimeMillis());
        Files.writeString(dir.resolve("pw"), "correct horse battery staple\n");
        NodeRunner node = NodeRunner.start(new DataDir(dir.resolve("node")), 0, InstantSource.system(), () -> null);
        try {
            String url = "http://127.0.0.1:" + node.port();
            NodeClient client = new NodeClient(url);
            AccountKey operator = new Keyring(new DataDir(dir.resolve("node")).keys()).unlockSecp256k1(
                    NodeInit.OPERATOR_KEY, NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
            // Announced on chain as a devnet's market is, so GET /pocs lists it and --market auto can find it.
            PocValidator v = PocValidator.start(PocConfig.defaults(dir.resolve("poc")).withPort(0), operator,
                    new NodeLedger(client), InstantSource.system(), NAME);
            return new LiveMarket(node, url, client, operator, v);
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
    }

    @Override
    public void close() {
        validator.close();
        node.close();
    }
}
