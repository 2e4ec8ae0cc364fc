package org.cpc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import org.cpc.node.DataDir;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.params.NetworkParams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "node", description = "Create and run an L1 node.",
        subcommands = {NodeCommand.Init.class, NodeCommand.Start.class})
final class NodeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "init", description = "Create a data dir: validator key, genesis (with a faucet on devnet), node.json.")
    static final class Init implements Runnable {
        @Option(names = "--data-dir", required = true, paramLabel = "DIR") Path dataDir;
        @Option(names = "--network", defaultValue = "devnet", description = "devnet, testnet or mainnet (default: ${DEFAULT-VALUE}).")
        String network;
        @Option(names = "--genesis", paramLabel = "FILE", description = "Join the network of this genesis file instead of creating one.")
        Path genesis;
        @Option(names = "--validator-key", defaultValue = NodeInit.DEFAULT_VALIDATOR_KEY, paramLabel = "NAME",
                description = "Keyring name of this node's ML-DSA-65 key (default: ${DEFAULT-VALUE}).")
        String validatorKey;
        @Option(names = "--port", defaultValue = "" + NodeConfig.DEFAULT_PORT, description = "REST port (default: ${DEFAULT-VALUE}).")
        int port;
        @Mixin KeyringOptions keys;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            NetworkParams params = NetworkParams.named(network);
            // Devnet keys use the well-known devnet password; real networks' keys get the operator's.
            char[] password = params.faucetEnabled() && genesis == null ? null : keys.newPassword(validatorKey);
            NodeInit.Result r = NodeInit.init(dataDir, params, genesis, validatorKey, port, password,
                    System.currentTimeMillis());
            PrintWriter out = spec.commandLine().getOut();
            out.println("initialised " + r.dataDir().root() + " for " + r.genesis().params().chainId());
            out.println("validator:  " + r.validator().address());
            out.println("operator:   " + r.operator().address() + " (receives block rewards)");
            if (r.faucetAddress() != null) out.println("faucet:     " + r.faucetAddress());
            if (r.config().keyPassword() != null) {
                out.println("WARNING: devnet keys use the public password in node.json; never reuse them elsewhere.");
            }
            out.println("start it:   cpc node start --data-dir " + dataDir);
        }
    }

    @Command(name = "start", description = "Run the node of a data dir until Ctrl-C.")
    static final class Start implements Runnable {
        @Option(names = "--data-dir", required = true, paramLabel = "DIR") Path dataDir;
        @Option(names = "--port", paramLabel = "PORT", description = "REST port (default: node.json's).") Integer port;
        @Mixin KeyringOptions keys;

        @Override
        public void run() {
            NodeRunner node = NodeRunner.start(new DataDir(dataDir), port, InstantSource.system(),
                    () -> keys.unlockPassword("node keys")).closeOnShutdown();
            try {
                node.awaitClose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.close();
            }
        }
    }
}
