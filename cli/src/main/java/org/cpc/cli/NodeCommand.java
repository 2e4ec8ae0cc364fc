package org.cpc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
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
        @Option(names = "--p2p-listen", paramLabel = "HOST:PORT",
                description = "Accept peers on this address (default: node.json's p2p_listen).") String p2pListen;
        @Option(names = "--peers", paramLabel = "HOST:PORT[,HOST:PORT...]", split = ",",
                description = "Static peers to dial, replacing node.json's p2p_peers.") List<String> peers;
        @Mixin KeyringOptions keys;

        @Override
        public void run() {
            NodeConfig.P2p p2p = null;
            if (p2pListen != null || peers != null) {
                // Invalid addresses fail here with IllegalArgumentException: a usage error naming the flag's value.
                p2p = NodeConfig.read(dataDir).p2p();
                if (p2pListen != null) p2p = p2p.withListen(p2pListen);
                if (peers != null) p2p = p2p.withPeers(peers);
            }
            NodeRunner node = NodeRunner.start(new DataDir(dataDir), port, p2p, InstantSource.system(),
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
