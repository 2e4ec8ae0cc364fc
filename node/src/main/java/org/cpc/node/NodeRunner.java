package org.cpc.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.cpc.chain.Chain;
import org.cpc.chain.Genesis;
import org.cpc.chain.LocalChain;
import org.cpc.chain.Pruning;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.node.api.EventHub;
import org.cpc.node.api.Faucet;
import org.cpc.node.api.NodeMetrics;
import org.cpc.node.api.NodeServer;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.node.consensus.Consensus;
import org.cpc.node.consensus.EvidenceStore;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.node.net.NetworkOpener;
import org.cpc.node.net.NodeNetwork;
import org.cpc.p2p.NodeIdentity;
import org.cpc.p2p.TcpPeerNetwork;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Amounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node over one data dir: chain, P2P network (block sync, transaction gossip), REST API, event stream and
 * Tendermint consensus — voting when this node holds a validator key of the chain, following otherwise. The data
 * dir is locked while it runs, so two nodes never produce blocks from one database. {@link #close()} stops in the
 * safe order: consensus (finishing a commit in flight), network, API, chain.
 */
public final class NodeRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRunner.class);
    /** Verified equivocation evidence, in the data dir's {@code consensus/}. */
    public static final String EVIDENCE_FILE = "evidence.log";

    private final DataDir dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Chain chain;
    private final NodeServer server;
    private final Consensus consensus;
    private final NodeNetwork network;
    private final Faucet faucet;
    private final EvidenceStore evidence;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private NodeRunner(DataDir dir, FileChannel lockChannel, FileLock lock, Chain chain, NodeServer server,
                       Consensus consensus, NodeNetwork network, Faucet faucet, EvidenceStore evidence) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.chain = chain;
        this.server = server;
        this.consensus = consensus;
        this.network = network;
        this.faucet = faucet;
        this.evidence = evidence;
    }

    /** The P2P network of the node in production. */
    public static final NetworkOpener TCP = (config, keyDir, password, handler) ->
            new TcpPeerNetwork(config, NodeIdentity.loadOrCreate(keyDir, password), handler);

    /** Starts the node of an initialised data dir on the chain's RocksDB storage. */
    public static NodeRunner start(DataDir dir, Integer port, InstantSource clock, Supplier<char[]> password) {
        return start(dir, port, null, clock, password);
    }

    /** Starts the node of an initialised data dir with P2P settings overriding {@code node.json}'s (null: keep). */
    public static NodeRunner start(DataDir dir, Integer port, NodeConfig.P2p p2p, InstantSource clock,
                                   Supplier<char[]> password) {
        return start(dir, port, p2p, null, clock, password);
    }

    /** As above, with block pruning overriding {@code node.json}'s {@code pruning} (null: keep node.json's). */
    public static NodeRunner start(DataDir dir, Integer port, NodeConfig.P2p p2p, Pruning pruning, InstantSource clock,
                                   Supplier<char[]> password) {
        return startWith(dir, StartOptions.DEFAULTS.withPort(port).withP2p(p2p).withPruning(pruning), clock, password);
    }

    /** Starts the node of an initialised data dir on RocksDB with {@code options} (snapshots, state sync). */
    public static NodeRunner startWith(DataDir dir, StartOptions options, InstantSource clock,
                                       Supplier<char[]> password) {
        Pruning pruning = options.pruning();
        NodeConfig.Snapshots configured = options.snapshotInterval() != null && options.snapshotKeep() != null
                ? null : NodeConfig.read(dir.root()).snapshots();
        SnapshotPolicy snapshots = new SnapshotPolicy(dir.snapshots(),
                options.snapshotInterval() != null ? options.snapshotInterval() : configured.interval(),
                options.snapshotKeep() != null ? options.snapshotKeep() : configured.keep(), options.snapshotChunkBytes());
        return start(dir, options.port(), options.p2p(), (db, genesis) -> LocalChain.open(db, genesis,
                LocalChain.Options.defaults().withClock(clock::millis).withSnapshots(snapshots)
                        .withPruning(pruning != null ? pruning : NodeConfig.read(dir.root()).pruning())),
                TCP, clock, password, options);
    }

    /**
     * Starts the node of an initialised data dir.
     *
     * @param port REST port overriding {@code node.json}'s, or null to keep it (0 picks a free port)
     * @param p2p P2P settings overriding {@code node.json}'s ({@code cpc node start --p2p-listen --peers}), or null
     * @param password asked only when the node holds keys and {@code node.json} has no devnet password
     */
    public static NodeRunner start(DataDir dir, Integer port, NodeConfig.P2p p2p, ChainOpener opener,
                                   NetworkOpener networkOpener, InstantSource clock, Supplier<char[]> password) {
        return start(dir, port, p2p, opener, networkOpener, clock, password, StartOptions.DEFAULTS);
    }

    /** As above; {@code options} says whether to state-sync first (its port, p2p and pruning are not read here). */
    public static NodeRunner start(DataDir dir, Integer port, NodeConfig.P2p p2p, ChainOpener opener,
                                   NetworkOpener networkOpener, InstantSource clock, Supplier<char[]> password,
                                   StartOptions options) {
        if (!dir.initialised()) {
            throw new IllegalStateException("data dir " + dir.root() + " has no genesis.json and node.json;"
                    + " create it with: cpc node init --data-dir " + dir.root());
        }
        NodeConfig config = NodeConfig.read(dir.root());
        if (port != null) config = config.withPort(port);
        if (p2p != null) config = config.withP2p(p2p);
        Genesis genesis = NodeInit.readGenesis(dir.genesis());

        FileChannel ch = null;
        FileLock lock = null;
        Chain chain = null;
        NodeServer server = null;
        EvidenceStore evidence = null;
        NodeNetwork network = null;
        TendermintConsensus consensus = null;
        try {
            ch = FileChannel.open(dir.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("another node is already running on " + dir.root()
                        + "; stop it first (two producers on one chain would fork it)");
            }
            chain = opener.open(dir.db(), genesis);
            NodeMetrics metrics = new NodeMetrics(chain);
            EventHub events = new EventHub(config.limits().sseMaxStreams(), config.limits().sseMaxStreamsPerIp(),
                    Duration.ofSeconds(15));
            chain.subscribe(events);

            Keyring keys = new Keyring(dir.keys());
            boolean needsPassword = config.validatorKey() != null || config.faucetKey() != null || config.p2p().enabled();
            char[] pw = !needsPassword ? null
                    : config.keyPassword() != null ? config.keyPassword().toCharArray() : password.get();
            Faucet faucet = null;
            if (config.faucetKey() != null && chain.params().faucetEnabled()) {
                faucet = new Faucet(chain, keys.unlockSecp256k1(config.faucetKey(), pw),
                        Amounts.parseCpc(config.faucetMaxCpc()), clock);
            }
            evidence = EvidenceStore.open(dir.consensus().resolve(EVIDENCE_FILE), chain.params().chainId(),
                    MlDsaSignatures.VERIFIER, LOG::warn);
            // A key outside the current set follows consensus and starts signing at the first height whose set
            // includes it (after a STAKE: two blocks after the one that bonds it).
            ValidatorKey key = config.validatorKey() == null ? null : keys.unlockValidator(config.validatorKey(), pw);
            network = NodeNetwork.open(chain, config.p2p(), config.limits().p2p(), key != null ? key.address() : "node",
                    dir.p2p(), pw,
                    networkOpener);
            if (options.stateSync()) {
                // Before consensus and block sync exist: they start at the restored head.
                network.stateSync(options.trust());
            }
            // Without peers only a validator can move the chain; with them any node follows consensus.
            consensus = key != null || config.p2p().enabled()
                    ? new TendermintConsensus(chain, key, clock, metrics::blockProduced, network.network(),
                    dir.consensus(), evidence, config.doubleSignCheckBlocks(), network.gossip()::relayed) : null;
            metrics.registerNetwork(network, consensus);
            server = new NodeServer(chain, metrics, events, faucet, network, evidence,
                    NodeServer.Options.defaults(config.restHost(), config.restPort())
                            .withConnections(config.limits().http())).start();
            network.start(consensus);
            if (consensus != null) consensus.start();
            LOG.info("node up: chain {} at height {}, REST on http://{}:{}{}{}", chain.params().chainId(),
                    chain.head().header().height(), config.restHost(), server.port(),
                    network.enabled() ? ", P2P on " + network.listenText() + " as " + network.nodeId() : "",
                    key != null ? ", validating" : ", not a validator");
            return new NodeRunner(dir, ch, lock, chain, server, consensus, network, faucet, evidence);
        } catch (IOException e) {
            cleanup(consensus, network, server, chain, evidence, lock, ch);
            throw new UncheckedIOException("cannot lock " + dir.lockFile() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            cleanup(consensus, network, server, chain, evidence, lock, ch);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during state sync", e);
        } catch (RuntimeException e) {
            cleanup(consensus, network, server, chain, evidence, lock, ch);
            throw e;
        }
    }

    private static void cleanup(Consensus consensus, NodeNetwork network, NodeServer server, Chain chain,
                                EvidenceStore evidence, FileLock lock,
                                FileChannel ch) {
        // Consensus first: it may be committing, and the chain must not close under it.
        if (consensus != null) consensus.stop();
        if (network != null) network.close();
        if (server != null) server.close();
        if (chain != null) chain.close();
        if (evidence != null) evidence.close();
        try {
            if (lock != null) lock.release();
            if (ch != null) ch.close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock in any case.
        }
    }

    public Chain chain() {
        return chain;
    }

    public int port() {
        return server.port();
    }

    public DataDir dataDir() {
        return dir;
    }

    /** The faucet's address, or null where there is none. */
    public String faucetAddress() {
        return faucet == null ? null : faucet.address();
    }

    public NodeNetwork network() {
        return network;
    }

    /** The node's consensus, or null for a node without a key and without P2P (nothing to take part in). */
    public Consensus consensus() {
        return consensus;
    }

    public NodeServer server() {
        return server;
    }

    /** Closes the node when the JVM is asked to stop (Ctrl-C, SIGTERM). */
    public NodeRunner closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "node-shutdown"));
        return this;
    }

    /** Blocks until the node is closed. */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("stopping node");
        try {
            if (consensus != null) consensus.stop();
            network.close();
            server.close();
            long height = chain.head().header().height();
            chain.close();
            evidence.close();
            LOG.info("node stopped at height {}", height);
        } finally {
            cleanup(null, null, null, null, null, lock, lockChannel);
            stopped.countDown();
        }
    }
}
