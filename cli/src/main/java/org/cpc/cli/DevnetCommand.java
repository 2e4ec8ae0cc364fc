package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.cpc.chain.query.ValidatorView;
import org.cpc.node.DataDir;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.worker.NodeApi;
import org.cpc.worker.SoloWorker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "devnet", description = {
    "Run a development chain with a faucet: one validator, or with --validators N, N validators on loopback in this",
    "process (data dirs DIR/node0 ..). Creates the data dirs on first use and resumes them after.",
    "Devnet keys use a well-known password stored in node.json: they are for testing only."})
final class DevnetCommand implements Runnable {
    @Option(names = "--data-dir", defaultValue = ".devnet", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    Path dataDir;
    @Option(names = "--port", defaultValue = "" + NodeConfig.DEFAULT_PORT, description = "REST port (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--reset", description = "Delete the data dir first and start a new chain.")
    boolean reset;
    @Option(names = "--block-time-ms", paramLabel = "MS", description = "Block interval of a new devnet (default: 1000).")
    Long blockTimeMs;
    @Option(names = "--workers", defaultValue = "2", paramLabel = "N",
            description = "Pool workers running Task Market jobs from the devnet's PoC validator (default:"
                    + " ${DEFAULT-VALUE}; 0 for none).")
    int workers;
    @Option(names = "--solo-workers", defaultValue = "1", paramLabel = "N",
            description = "Solo workers computing the chain's synthetic tasks on the node (default: ${DEFAULT-VALUE};"
                    + " 0 for none).")
    int soloWorkers;
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            description = "Compute backend of the devnet's workers (default: ${DEFAULT-VALUE}).")
    String backend;
    @Option(names = "--poc-port", defaultValue = "8080", paramLabel = "P",
            description = "Task Market (PoC validator) port (default: ${DEFAULT-VALUE}; -1: no PoC validator).")
    int pocPort;
    @Option(names = "--validators", defaultValue = "1", paramLabel = "N",
            description = "Validators, each its own node in DIR/nodeI with REST port PORT+I (default: ${DEFAULT-VALUE}:"
                    + " one node in DIR).")
    int validators;
    @Option(names = "--p2p-port", defaultValue = "" + NodeInit.DEFAULT_P2P_PORT, paramLabel = "P",
            description = "With --validators N: nodeI's P2P port is P+I (default: ${DEFAULT-VALUE}).")
    int p2pPort;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Each validator's operator, bond and voting power, as the chain has them now. */
    static void printStakes(PrintWriter out, List<ValidatorView> stakes) {
        out.println("  stakes:    " + stakes.size() + " validator" + (stakes.size() == 1 ? "" : "s")
                + " (power = bond in whole CPC)");
        for (ValidatorView v : stakes) {
            out.println("    " + v.operatorAddress() + "  bond " + Amounts.formatCpc(v.tokens()) + " CPC (self "
                    + Amounts.formatCpc(v.selfBond()) + ")  power " + v.power() + "  " + v.status()
                    + "  commission " + v.commissionBps() + " bps");
        }
    }

    @Override
    public void run() {
        if (validators < 1 || validators > NodeInit.MAX_VALIDATORS) {
            throw new Errors.CliException(Cpc.EXIT_USAGE, "--validators must be 1.." + NodeInit.MAX_VALIDATORS);
        }
        if (workers < 0) throw new Errors.CliException(Cpc.EXIT_USAGE, "--workers must be 0 or more");
        if (soloWorkers < 0) throw new Errors.CliException(Cpc.EXIT_USAGE, "--solo-workers must be 0 or more");
        // The default two pool workers simply go with the PoC validator; asking for some without one is a mistake.
        if (workers > 0 && pocPort < 0 && spec.commandLine().getParseResult().hasMatchedOption("--workers")) {
            throw new Errors.CliException(Cpc.EXIT_USAGE, "--workers runs pool workers on the PoC validator, which"
                    + " --poc-port -1 turns off; add --workers 0");
        }
        DataDir root = new DataDir(dataDir);
        PrintWriter out = spec.commandLine().getOut();
        if (reset && Files.exists(root.root())) delete(root);
        List<DataDir> dirs = nodeDirs(root);
        DataDir dir = dirs.getFirst();
        boolean fresh = !dir.initialised();
        if (fresh) {
            NetworkParams p = NetworkParams.devnet();
            if (blockTimeMs != null) p = p.withBlockTime(blockTimeMs);
            if (validators == 1) {
                NodeInit.init(dir.root(), p, null, NodeInit.DEFAULT_VALIDATOR_KEY, port, null, System.currentTimeMillis());
            } else {
                NodeInit.network(p, NodeInit.localMembers(root.root(), Collections.nCopies(validators, NodeInit.DEFAULT_POWER), port, p2pPort),
                        NodeInit.DEFAULT_VALIDATOR_KEY, null, System.currentTimeMillis());
            }
        }
        LocalNetwork network = LocalNetwork.start(dirs, port);
        List<NodeRunner> nodes = network.nodes();
        NodeRunner node = nodes.getFirst();
        String url = "http://127.0.0.1:" + node.port();
        out.println();
        out.println((fresh ? "Started a new devnet" : "Resumed the devnet") + " in " + root.root() + " at height "
                + node.chain().head().header().height() + " (chain " + node.chain().params().chainId() + ")");
        out.println("  REST API:  " + url + "   (OpenAPI: " + url + "/openapi.json, events: " + url + "/events)");
        out.println("  explorer:  " + url + "/");
        for (int i = 1; i < nodes.size(); i++) {
            out.println("  node" + i + ":     http://127.0.0.1:" + nodes.get(i).port() + "   (" + dirs.get(i).root() + ")");
        }
        out.println("  faucet:    " + node.faucetAddress() + "   (POST " + url + "/faucet)");
        if (node.network().enabled()) {
            out.println("  P2P:       " + node.network().listenText() + "   (node id " + node.network().nodeId() + ")");
        }
        out.println("  WARNING:   devnet keys use the public password in node.json. Never reuse them elsewhere.");
        List<ValidatorView> stakes = node.chain().stakingValidators();
        printStakes(out, stakes);
        List<SoloWorker> started = DevnetWorkers.start(DevnetWorkers.SOLO, soloWorkers, dir, backend, out,
                spec.commandLine().getErr(), (key, compute, reporter) -> new SoloWorker(new NodeApi(url), key, compute, reporter));
        DevnetMarket market = pocPort < 0 ? null
                : DevnetMarket.start(dir, url, pocPort, workers, backend, out, spec.commandLine().getErr());
        // Workers stop first, so none is left submitting to a node that is closing; then the node.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (market != null) market.close();
            DevnetWorkers.stop(started);
            network.close();
        }, "devnet-shutdown"));
        out.println();
        out.println("Try next:");
        out.println("  cpc keys add alice");
        out.println("  curl -s -X POST " + url + "/faucet -d '{\"address\":\"'$(cpc keys show alice --address)'\",\"amount\":\"10.0\"}'");
        out.println("  cpc query balance $(cpc keys show alice --address) --node " + url);
        out.println("  cpc tx send --from alice --to cpc1... --amount 1.5 --node " + url);
        out.println("  cpc query status --node " + url);
        out.println("  cpc query validators --node " + url);
        if (!stakes.isEmpty()) {
            out.println("  cpc tx delegate --from alice --validator " + stakes.getFirst().operatorAddress()
                    + " --amount 5.0 --node " + url + "     (bond to a validator; its rewards accrue to alice)");
            out.println("  cpc query delegations $(cpc keys show alice --address) --node " + url);
        }
        if (!started.isEmpty()) {
            out.println("  cpc query block latest --node " + url + "     (SUBMIT_RESULTs and compute_root)");
            out.println("  curl -s " + url + "/balance/" + started.get(0).address() + "     (the worker's earnings)");
        }
        if (market != null) {
            out.println("  cpc task create --type matmul --a A.bin --b B.bin --m 64 --k 64 --n 64 --reward 10.0 --from alice"
                    + " --market " + market.url() + " --node " + url + " --wait -o C.bin");
            out.println("  cpc task list --market " + market.url());
        }
        out.println("Ctrl-C stops the node" + (nodes.size() > 1 ? "s" : "") + "; run the same command again to resume the chain.");
        out.flush();
        try {
            node.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            network.close();
        }
    }

    /**
     * The data dirs of this devnet: DIR itself for one validator (as before multi-validator devnets existed), else
     * DIR/node0 ... An existing devnet of another size is refused rather than half reused.
     */
    private List<DataDir> nodeDirs(DataDir root) {
        int existing = 0;
        while (new DataDir(NodeInit.nodeDir(root.root(), existing)).initialised()) existing++;
        if (root.initialised() && validators > 1 || existing > 0 && existing != validators) {
            int has = root.initialised() ? 1 : existing;
            throw new Errors.CliException(Cpc.EXIT_USAGE, root.root() + " holds a devnet of " + has + " validator"
                    + (has == 1 ? "" : "s") + "; pass --validators " + has + ", --reset, or another --data-dir");
        }
        if (validators == 1) return List.of(root);
        return IntStream.range(0, validators).mapToObj(i -> new DataDir(NodeInit.nodeDir(root.root(), i))).toList();
    }

    /** Deletes a devnet data dir, refusing a directory that does not look like one (a typo must not wipe $HOME). */
    private static void delete(DataDir dir) {
        boolean looksLikeDataDir = Files.exists(dir.genesis()) || Files.exists(dir.root().resolve(NodeConfig.FILE))
                || new DataDir(NodeInit.nodeDir(dir.root(), 0)).initialised();
        try (Stream<Path> entries = Files.list(dir.root())) {
            if (!looksLikeDataDir && entries.findAny().isPresent()) {
                throw new Errors.CliException(Cpc.EXIT_USAGE, dir.root() + " is not a cpc data dir; refusing to delete it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deleteTree(dir.root());
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}
