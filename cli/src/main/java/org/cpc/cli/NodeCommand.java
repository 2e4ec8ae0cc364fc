package org.cpc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.time.InstantSource;
import java.util.List;
import org.cpc.chain.Pruning;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.node.StartOptions;
import org.cpc.node.net.StateSync;
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
        subcommands = {NodeCommand.Init.class, NodeCommand.Testnet.class, NodeCommand.Start.class})
final class NodeCommand extends GroupCommand {
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
        @Mixin PasswordOptions passwords;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            NetworkParams params = NetworkParams.named(network);
            // Devnet keys use the well-known devnet password; real networks' keys get the operator's.
            char[] password = params.faucetEnabled() && genesis == null ? null : passwords.newPassword(validatorKey);
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

    @Command(name = "testnet", description = {
        "Generate the data dirs of an N-validator network on this host: DIR/node0 .. DIR/node{N-1}.",
        "Each has its own validator key, REST and P2P ports and every other node as a peer; all share one genesis",
        "(on devnet with the faucet in node0). Start each with: cpc node start --data-dir DIR/nodeI"})
    static final class Testnet implements Runnable {
        @Option(names = "--validators", required = true, paramLabel = "N", description = "Number of validators.")
        int validators;
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the node dirs go.")
        Path dir;
        @Option(names = "--network", defaultValue = "devnet", description = "Parameters to start from: devnet, testnet or mainnet (default: ${DEFAULT-VALUE}).")
        String network;
        @Option(names = "--chain-id", paramLabel = "ID", description = "Chain id (default: the network's).")
        String chainId;
        @Option(names = "--rest-base-port", defaultValue = "" + NodeConfig.DEFAULT_PORT, paramLabel = "P",
                description = "nodeI's REST port is P+I (default: ${DEFAULT-VALUE}).")
        int restBasePort;
        @Option(names = "--p2p-base-port", defaultValue = "" + NodeInit.DEFAULT_P2P_PORT, paramLabel = "P",
                description = "nodeI's P2P port is P+I on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int p2pBasePort;
        @Option(names = "--block-time-ms", paramLabel = "MS", description = "Block interval (default: the network's).")
        Long blockTimeMs;
        @Option(names = "--powers", split = ",", paramLabel = "P0,P1,..",
                description = "Voting power of each validator (default: 1 each).")
        List<Long> powers;
        @Mixin PasswordOptions passwords;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (validators < 1 || validators > NodeInit.MAX_VALIDATORS) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--validators must be 1.." + NodeInit.MAX_VALIDATORS);
            }
            if (powers != null && powers.size() != validators) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, "--powers needs " + validators + " values, got " + powers.size());
            }
            NetworkParams params = NetworkParams.named(network);
            if (chainId != null) params = params.withChainId(chainId);
            if (blockTimeMs != null) params = params.withBlockTime(blockTimeMs);
            List<Long> power = powers != null ? powers : Collections.nCopies(validators, NodeInit.DEFAULT_POWER);
            // As for init: devnet keys get the well-known password unless one is given; real networks' need one.
            char[] password = params.faucetEnabled() && !passwords.passwordGiven() ? null : passwords.newPassword("validator keys");
            List<NodeInit.Result> nodes = NodeInit.network(params,
                    NodeInit.localMembers(dir, power, restBasePort, p2pBasePort), NodeInit.DEFAULT_VALIDATOR_KEY,
                    password, System.currentTimeMillis());
            PrintWriter out = spec.commandLine().getOut();
            out.println("generated " + validators + " validators of " + params.chainId() + " in " + dir.toAbsolutePath().normalize());
            for (NodeInit.Result r : nodes) {
                out.printf("  %s  REST http://%s:%d  P2P %s  validator %s%s%n", r.dataDir().root().getFileName(),
                        r.config().restHost(), r.config().restPort(), r.config().p2p().listen(), r.validator().address(),
                        r.faucetAddress() == null ? "" : "  faucet " + r.faucetAddress());
            }
            if (nodes.getFirst().config().keyPassword() != null) {
                out.println("WARNING: devnet keys use the public password in node.json; never reuse them elsewhere.");
            }
            out.println("start each:  cpc node start --data-dir " + NodeInit.nodeDir(dir, 0) + "   (and node1 ..)");
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
        @Option(names = "--pruning", paramLabel = "archive|default|N",
                description = "Blocks to keep: archive (all), default (the last " + Pruning.DEFAULT_KEEP + ") or the"
                        + " last N (at least " + Pruning.MIN_KEEP + "); older ones are deleted in the background"
                        + " (default: node.json's pruning, else default).") String pruning;
        @Option(names = "--snapshot-interval", paramLabel = "N",
                description = "Take a state snapshot every N blocks, for new nodes to state-sync from; 0 takes none"
                        + " (default: node.json's snapshot_interval, else " + SnapshotPolicy.DEFAULT_INTERVAL + ").")
        Long snapshotInterval;
        @Option(names = "--snapshot-keep", paramLabel = "N", description = "Snapshots kept on disk, the newest"
                + " (default: node.json's snapshot_keep, else " + SnapshotPolicy.DEFAULT_KEEP + ").") Integer snapshotKeep;
        @Option(names = "--state-sync", description = "Join from the newest snapshot the peers offer instead of"
                + " replaying every block: needs an empty data dir and --peers.") boolean stateSync;
        @Option(names = "--trust-height", paramLabel = "H", description = "State sync verifies headers from the block"
                + " of this height (with --trust-hash); default: genesis, which works only while the chain is younger"
                + " than the unbonding period.") Long trustHeight;
        @Option(names = "--trust-hash", paramLabel = "HEX", description = "The hash of the --trust-height block, taken"
                + " from a source you trust.") String trustHash;
        @Mixin PasswordOptions passwords;

        @Override
        public void run() {
            NodeConfig.P2p p2p = null;
            if (p2pListen != null || peers != null) {
                // Invalid addresses fail here with IllegalArgumentException: a usage error naming the flag's value.
                p2p = NodeConfig.read(dataDir).p2p();
                if (p2pListen != null) p2p = p2p.withListen(p2pListen);
                if (peers != null) p2p = p2p.withPeers(peers);
            }
            // An invalid value fails here with IllegalArgumentException: a usage error naming it.
            Pruning keep = pruning == null ? null : Pruning.parse(pruning);
            if ((trustHeight == null) != (trustHash == null)) {
                throw new IllegalArgumentException("--trust-height and --trust-hash go together");
            }
            if (trustHeight != null && !stateSync) throw new IllegalArgumentException("--trust-height needs --state-sync");
            StartOptions options = StartOptions.DEFAULTS.withPort(port).withP2p(p2p).withPruning(keep)
                    .withSnapshots(snapshotInterval, snapshotKeep, SnapshotPolicy.DEFAULT_CHUNK_BYTES);
            if (stateSync) {
                options = options.withStateSync(trustHeight == null ? null : new StateSync.Trust(trustHeight, trustHash));
            }
            NodeRunner node = NodeRunner.startWith(new DataDir(dataDir), options, InstantSource.system(),
                    () -> passwords.unlockPassword("node keys")).closeOnShutdown();
            try {
                node.awaitClose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.close();
            }
        }
    }
}
