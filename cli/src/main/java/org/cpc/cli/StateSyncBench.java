package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.Admission;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisFile;
import org.cpc.chain.LocalChain;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.node.DataDir;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.node.StartOptions;
import org.cpc.node.net.StateSync;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * {@code cpc bench statesync}: builds a chain of many blocks over a state of many accounts once (a one-validator
 * devnet, blocks committed straight into its store with their certificates, a snapshot of the last one), starts it
 * as a node, then times a new node joining it with {@code --state-sync} (snapshot fetched, verified, restored, then
 * caught up to the head by block sync) against the same node replaying blocks from genesis by block sync, in the
 * same run. Real RocksDB, real sockets on loopback.
 */
final class StateSyncBench {
    /** The longest the block-sync comparison runs; a replay cut short gives a lower bound. */
    static final long REPLAY_SAMPLE_MS = 180_000;
    private static final char[] PASSWORD = NodeInit.DEVNET_KEY_PASSWORD.toCharArray();

    private StateSyncBench() {}

    /** @param peerCounts block sync from genesis is timed from each number of peers, in turn (the server and copies) */
    static void run(PrintWriter out, int blocks, int accounts, List<Integer> peerCounts, Path work) throws Exception {
        DataDir server = new DataDir(work.resolve("server"));
        long builtMs = build(out, server, blocks, accounts);
        StartOptions serve = StartOptions.DEFAULTS.withPort(0).withSnapshots(blocks, 2, SnapshotPolicy.DEFAULT_CHUNK_BYTES)
                .withP2p(NodeConfig.P2p.listening("127.0.0.1:0"));
        try (NodeRunner node = NodeRunner.startWith(server, serve, InstantSource.system(), () -> PASSWORD)) {
            String peer = "127.0.0.1:" + node.network().listenAddress().getPort();
            SnapshotManifest m = node.chain().snapshots().orElseThrow().list().getFirst();
            long trustHeight = Math.max(1, m.height() - 10);
            StateSync.Trust trust = new StateSync.Trust(trustHeight, node.chain().block(trustHeight).orElseThrow().hashHex());

            DataDir joiner = follower(work.resolve("joiner"), server);
            long t0 = System.nanoTime();
            long restoredMs, caughtUpMs;
            try (NodeRunner j = NodeRunner.startWith(joiner, StartOptions.DEFAULTS.withPort(0)
                    .withP2p(NodeConfig.P2p.listening("127.0.0.1:0").withPeers(java.util.List.of(peer)))
                    .withStateSync(trust), InstantSource.system(), () -> PASSWORD)) {
                restoredMs = (System.nanoTime() - t0) / 1_000_000;
                while (j.chain().head().header().height() < node.chain().head().header().height()) Thread.sleep(20);
                caughtUpMs = (System.nanoTime() - t0) / 1_000_000;
            }

            List<Replay> replays = new ArrayList<>();
            List<NodeRunner> copies = new ArrayList<>();
            try {
                List<String> peers = new ArrayList<>(List.of(peer));
                for (int n : peerCounts) {
                    while (peers.size() < n) {
                        // a follower holding a copy of the chain; it dials the server
                        DataDir copy = follower(work.resolve("copy-" + peers.size()), server);
                        copyTree(server.db(), copy.db());
                        NodeRunner c = NodeRunner.startWith(copy, StartOptions.DEFAULTS.withPort(0)
                                .withP2p(NodeConfig.P2p.listening("127.0.0.1:0").withPeers(List.of(peer))),
                                InstantSource.system(), () -> PASSWORD);
                        copies.add(c);
                        peers.add("127.0.0.1:" + c.network().listenAddress().getPort());
                    }
                    replays.add(replay(follower(work.resolve("replayer-" + n), server), peers.subList(0, n), blocks));
                }
            } finally {
                for (NodeRunner c : copies) c.close();
            }
            Replay first = replays.getFirst();
            out.printf("| chain | %,d blocks, %,d accounts, snapshot of %,d entries in %d chunk(s), built in %.1f s |%n",
                    blocks, accounts, m.entries(), m.chunks().size(), builtMs / 1000.0);
            out.printf("| state sync join | restored in %.2f s, caught up with the head in %.2f s |%n",
                    restoredMs / 1000.0, caughtUpMs / 1000.0);
            for (Replay r : replays) {
                out.printf("| block sync from genesis, %d peer(s) | started in %.2f s, then %,d of %,d blocks in %.1f s"
                        + "%s: %,.0f blocks/s |%n", r.peers(), r.startSeconds(), r.replayed(), blocks, r.seconds(),
                        r.finished(blocks) ? "" : " (stopped there)", r.blocksPerSecond());
            }
            for (Replay r : replays.subList(1, replays.size())) {
                out.printf("| block sync, %d peers against %d | %.2fx the blocks/s |%n", r.peers(), first.peers(),
                        r.blocksPerSecond() / first.blocksPerSecond());
            }
            out.printf("| ratio | state sync joins %s%.1fx faster than replaying the chain from %d peer(s) |%n",
                    first.finished(blocks) ? "" : "more than ", (first.startSeconds() + first.seconds())
                            / (caughtUpMs / 1000.0), first.peers());
            out.flush();
        }
    }

    /** One block sync from genesis: seconds to start the node, then blocks replayed in seconds. */
    record Replay(int peers, double startSeconds, long replayed, double seconds) {
        boolean finished(long blocks) {
            return replayed >= blocks;
        }

        double blocksPerSecond() {
            return replayed / seconds;
        }
    }

    /** Starts {@code dir} dialling {@code peers} and times its block sync to {@code blocks}, for at most the sample. */
    private static Replay replay(DataDir dir, List<String> peers, long blocks) throws Exception {
        long o0 = System.nanoTime();
        long r0;
        long replayed;
        try (NodeRunner r = NodeRunner.startWith(dir, StartOptions.DEFAULTS.withPort(0)
                .withP2p(NodeConfig.P2p.listening("127.0.0.1:0").withPeers(peers)), InstantSource.system(), () -> PASSWORD)) {
            r0 = System.nanoTime();
            while (System.nanoTime() - r0 < REPLAY_SAMPLE_MS * 1_000_000 && r.chain().head().header().height() < blocks) {
                Thread.sleep(50);
            }
            replayed = r.chain().head().header().height();
        }
        double seconds = Math.min(System.nanoTime() - r0, REPLAY_SAMPLE_MS * 1_000_000) / 1e9;
        return new Replay(peers.size(), (r0 - o0) / 1e9, replayed, seconds);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
    }

    /** A data dir following {@code server}'s chain: its genesis, no keys of its own but the P2P one. */
    private static DataDir follower(Path root, DataDir server) throws IOException {
        DataDir d = new DataDir(root);
        Files.createDirectories(root);
        Files.copy(server.genesis(), d.genesis());
        new NodeConfig("127.0.0.1", 0, null, null, NodeInit.DEFAULT_FAUCET_MAX_CPC, NodeInit.DEVNET_KEY_PASSWORD,
                NodeConfig.P2p.listening("127.0.0.1:0")).write(root);
        return d;
    }

    /** Transfers that fund new accounts, per block, while the chain is built. */
    static final int FUNDING_PER_BLOCK = 2_000;

    /**
     * The chain: a devnet genesis, then {@code blocks} blocks, the first of which fund {@code accounts} new accounts
     * from the faucet ({@link #FUNDING_PER_BLOCK} transfers each), through the node's own admission, block building
     * and commit. Returns the ms taken.
     */
    private static long build(PrintWriter out, DataDir dir, int blocks, int accounts) throws Exception {
        long t0 = System.nanoTime();
        NetworkParams params = NetworkParams.devnet();
        // genesis far enough back that blocks 1 ms apart stay in the past
        NodeInit.init(dir.root(), params, null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null,
                System.currentTimeMillis() - blocks - 3_600_000L);
        Genesis genesis = GenesisFile.read(dir.genesis());
        Keyring keys = new Keyring(dir.keys());
        ValidatorKey key = keys.unlockValidator(NodeInit.DEFAULT_VALIDATOR_KEY, PASSWORD);
        AccountKey faucet = keys.unlockSecp256k1(NodeInit.FAUCET_KEY, PASSWORD);
        SnapshotPolicy snaps = new SnapshotPolicy(dir.snapshots(), blocks, 2, SnapshotPolicy.DEFAULT_CHUNK_BYTES);
        LocalChain.Options options = LocalChain.Options.defaults().withSnapshots(snaps)
                .withMempool(FUNDING_PER_BLOCK, 2 * FUNDING_PER_BLOCK, 3_600_000L);
        int funded = 0;
        try (LocalChain c = LocalChain.open(dir.db(), genesis, options)) {
            for (int h = 1; h <= blocks; h++) {
                List<Transaction> txs = new ArrayList<>();
                for (; funded < accounts && txs.size() < FUNDING_PER_BLOCK; funded++) {
                    byte[] priv = Sha256.hash(("cpc-bench-statesync-" + funded).getBytes(StandardCharsets.UTF_8));
                    txs.add(TxBuilder.of(params, faucet).nonce(funded).timestamp(genesis.timestampMs() / 1000)
                            .transfer(Address.account(Secp256k1.get().publicKey(priv)), Amounts.cpc(1)));
                }
                for (Admission a : c.submitAll(txs)) {
                    if (!(a instanceof Admission.Accepted)) throw new IllegalStateException("funding refused: " + a);
                }
                Block head = c.head();
                Block b = BlockSigner.sign(c.propose(key.address(), 0, head.header().timestamp() + 1), key.privateKey());
                if (b.transactions().size() != txs.size()) {
                    throw new IllegalStateException("block " + h + " holds " + b.transactions().size() + " of "
                            + txs.size() + " funding transfers");
                }
                c.commit(b, BlockSigner.soleCommit(b, params.chainId(), key.privateKey(), key.address()));
                if (h % 10_000 == 0 || (txs.size() > 0 && funded == accounts)) {
                    out.printf("built %,d of %,d blocks, %,d accounts funded%n", h, blocks, funded);
                    out.flush();
                }
            }
            c.awaitSnapshots();
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
