package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisFile;
import org.cpc.consensus.ValidatorSet;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.p2p.NodeIdentity;
import org.cpc.protocol.params.NetworkParams;

/**
 * A multi-validator network in one JVM for tests: {@code n} data dirs sharing one genesis whose validators are the
 * dirs' own keys (equal power), node 0 holding the devnet faucet. Every node listens for P2P on a free loopback
 * port and dials the nodes running when it starts, so the running nodes form a full mesh. Non-validator
 * followers can be added with the same genesis.
 */
final class Testnet implements AutoCloseable {
    final NetworkParams params;
    final Genesis genesis;
    private final Path root;
    private final List<Path> dirs = new ArrayList<>();
    private final List<TestNode> running = new ArrayList<>();
    /** What every node is started with beyond its data dir (snapshots); the port and peers are the testnet's. */
    private StartOptions options = StartOptions.DEFAULTS;

    private Testnet(Path root, NetworkParams params, Genesis genesis, List<Path> validatorDirs) {
        this.root = root;
        this.params = params;
        this.genesis = genesis;
        this.dirs.addAll(validatorDirs);
        validatorDirs.forEach(d -> running.add(null));
    }

    /**
     * Creates {@code validators} data dirs under {@code root} (node0 … node{n-1}) with one shared genesis, as
     * {@code cpc node testnet} does, but listening on free ports and without static peers ({@link #start} passes
     * them). Key derivation (Argon2id, 64 MiB) dominates a testnet's start, so the P2P node keys, which a node would
     * otherwise make at its first start, are made here in parallel too.
     */
    static Testnet create(Path root, int validators, NetworkParams params) {
        return create(root, validators, params, System.currentTimeMillis());
    }

    /** As above, with the genesis timestamp {@code genesisMs} (a chain built fast needs one in the past). */
    static Testnet create(Path root, int validators, NetworkParams params, long genesisMs) {
        List<NodeInit.Member> members = IntStream.range(0, validators)
                .mapToObj(i -> new NodeInit.Member(NodeInit.nodeDir(root, i), 0, NodeInit.DEFAULT_POWER, "127.0.0.1:0")).toList();
        List<NodeInit.Result> inits = NodeInit.network(params, members, NodeInit.DEFAULT_VALIDATOR_KEY, null,
                genesisMs);
        inits.parallelStream().forEach(r ->
                NodeIdentity.loadOrCreate(r.dataDir().p2p(), NodeInit.DEVNET_KEY_PASSWORD.toCharArray()));
        return new Testnet(root, params, inits.getFirst().genesis(), inits.stream().map(r -> r.dataDir().root()).toList());
    }

    private static void writeGenesis(Genesis genesis, DataDir d) {
        try {
            GenesisFile.write(genesis, d.genesis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A data dir for a node that follows the chain without a validator key; returns its index. */
    int addFollower() {
        DataDir d = new DataDir(root.resolve("node" + dirs.size()));
        try {
            Files.createDirectories(d.root());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeGenesis(genesis, d);
        new NodeConfig("127.0.0.1", 0, null, null, NodeInit.DEFAULT_FAUCET_MAX_CPC, NodeInit.DEVNET_KEY_PASSWORD,
                NodeConfig.P2p.listening("127.0.0.1:0")).write(d.root());
        dirs.add(d.root());
        running.add(null);
        return dirs.size() - 1;
    }

    /** Starts node {@code i} (again, on the same data dir) dialling every running node plus {@code extraPeers}. */
    TestNode start(int i, String... extraPeers) {
        List<String> peers = new ArrayList<>(List.of(extraPeers));
        for (TestNode n : running) if (n != null) peers.add(p2pAddress(n));
        return startWithPeers(i, peers);
    }

    static String p2pAddress(TestNode n) {
        return "127.0.0.1:" + n.runner.network().listenAddress().getPort();
    }

    /** Nodes started from now on take {@code o}'s snapshots (and state sync if it says so). */
    Testnet withOptions(StartOptions o) {
        this.options = o;
        return this;
    }

    DataDir dataDir(int i) {
        return new DataDir(dirs.get(i));
    }

    TestNode startWithPeers(int i, List<String> peers) {
        return startListening(i, 0, peers);
    }

    /** Starts node {@code i} listening for P2P on {@code port} (0: a free one), dialling {@code peers}. */
    TestNode startListening(int i, int port, List<String> peers) {
        if (running.get(i) != null) throw new IllegalStateException("node " + i + " is running");
        NodeConfig.P2p p2p = NodeConfig.P2p.listening("127.0.0.1:" + port).withPeers(peers);
        TestNode n = new TestNode(NodeRunner.startWith(new DataDir(dirs.get(i)), options.withPort(0).withP2p(p2p),
                InstantSource.system(), () -> {
            throw new AssertionError("a devnet node must not ask for a password");
        }));
        running.set(i, n);
        return n;
    }

    void startAll() {
        for (int i = 0; i < dirs.size(); i++) start(i);
    }

    TestNode node(int i) {
        return running.get(i);
    }

    void stop(int i) {
        running.get(i).close();
        running.set(i, null);
    }

    List<TestNode> running() {
        return running.stream().filter(n -> n != null).toList();
    }

    /** The set of height 1, as a running node's chain has it (these tests do not change it). */
    ValidatorSet validatorSet() {
        return running().getFirst().runner.chain().validatorSet(1);
    }

    long height(TestNode n) {
        return n.runner.chain().head().header().height();
    }

    /** Waits until every running node has committed {@code height}. */
    void awaitHeight(long height, Duration timeout) throws InterruptedException {
        await("every running node at height " + height, timeout,
                () -> running().stream().allMatch(n -> height(n) >= height));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Every running node holds the same block hash at each height 1..{@code height}. */
    void assertSameChain(long height) {
        List<TestNode> nodes = running();
        for (long h = 1; h <= height; h++) {
            long hh = h;
            String expected = nodes.get(0).runner.chain().block(h).orElseThrow().hashHex();
            for (TestNode n : nodes) {
                assertThat(n.runner.chain().block(hh).map(b -> b.hashHex())).as("block %d on %s", hh, n.url())
                        .contains(expected);
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < running.size(); i++) if (running.get(i) != null) stop(i);
    }
}
