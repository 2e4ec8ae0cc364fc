package org.cpc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.TreeMap;
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
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;

/**
 * {@code cpc bench statesync}: builds a chain of many blocks over a state of many accounts once (a one-validator
 * devnet, blocks committed straight into its store with their certificates, a snapshot of the last one), starts it
 * as a node, then times a new node joining it with {@code --state-sync} (snapshot fetched, verified, restored, then
 * caught up to the head by block sync) against the same node replaying blocks from genesis by block sync, in the
 * same run. Real RocksDB, real sockets on loopback.
 */
final class StateSyncBench {
    /** How long the block-sync comparison runs; its rate is extrapolated to the whole chain. */
    static final long REPLAY_SAMPLE_MS = 15_000;
    private static final char[] PASSWORD = NodeInit.DEVNET_KEY_PASSWORD.toCharArray();

    private StateSyncBench() {}

    static void run(PrintWriter out, int blocks, int accounts, Path work) throws Exception {
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

            DataDir replayer = follower(work.resolve("replayer"), server);
            long replayed;
            long r0 = System.nanoTime();
            try (NodeRunner r = NodeRunner.startWith(replayer, StartOptions.DEFAULTS.withPort(0)
                    .withP2p(NodeConfig.P2p.listening("127.0.0.1:0").withPeers(java.util.List.of(peer))),
                    InstantSource.system(), () -> PASSWORD)) {
                while (System.nanoTime() - r0 < REPLAY_SAMPLE_MS * 1_000_000 && r.chain().head().header().height() < blocks) {
                    Thread.sleep(50);
                }
                replayed = r.chain().head().header().height();
            }
            double replaySeconds = (System.nanoTime() - r0) / 1e9;
            double rate = replayed / replaySeconds;
            out.printf("| chain | %,d blocks, %,d accounts, snapshot of %,d entries in %d chunk(s), built in %.1f s |%n",
                    blocks, accounts, m.entries(), m.chunks().size(), builtMs / 1000.0);
            out.printf("| state sync join | restored in %.2f s, caught up with the head in %.2f s |%n",
                    restoredMs / 1000.0, caughtUpMs / 1000.0);
            out.printf("| block sync from genesis | %,d blocks in %.1f s = %.0f blocks/s; the whole chain: ~%.0f s |%n",
                    replayed, replaySeconds, rate, blocks / Math.max(rate, 1e-9));
            out.printf("| ratio | state sync joins %.1fx faster than replaying the chain |%n",
                    blocks / Math.max(rate, 1e-9) / (caughtUpMs / 1000.0));
            out.flush();
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

    /** The chain: genesis with {@code accounts} funded accounts, then {@code blocks} empty blocks. Returns ms taken. */
    private static long build(PrintWriter out, DataDir dir, int blocks, int accounts) throws Exception {
        long t0 = System.nanoTime();
        NetworkParams params = NetworkParams.devnet();
        // genesis far enough back that blocks 1 ms apart stay in the past
        NodeInit.init(dir.root(), params, null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null,
                System.currentTimeMillis() - blocks - 3_600_000L);
        Genesis g = GenesisFile.read(dir.genesis());
        TreeMap<String, BigInteger> alloc = new TreeMap<>(g.alloc());
        for (int i = 0; i < accounts; i++) {
            byte[] priv = Sha256.hash(("cpc-bench-statesync-" + i).getBytes(StandardCharsets.UTF_8));
            alloc.put(Address.account(Secp256k1.get().publicKey(priv)), Amounts.cpc(1));
        }
        Genesis genesis = new Genesis(g.params(), g.timestampMs(), alloc, g.validators(), g.pocValidators(),
                g.treasuryAddress());
        GenesisFile.write(genesis, dir.genesis());
        ValidatorKey key = new Keyring(dir.keys()).unlockValidator(NodeInit.DEFAULT_VALIDATOR_KEY, PASSWORD);
        SnapshotPolicy snaps = new SnapshotPolicy(dir.snapshots(), blocks, 2, SnapshotPolicy.DEFAULT_CHUNK_BYTES);
        try (LocalChain c = LocalChain.open(dir.db(), genesis, LocalChain.Options.defaults().withSnapshots(snaps))) {
            for (int h = 1; h <= blocks; h++) {
                Block head = c.head();
                Block b = BlockSigner.sign(c.propose(key.address(), 0, head.header().timestamp() + 1), key.privateKey());
                c.commit(b, BlockSigner.soleCommit(b, params.chainId(), key.privateKey(), key.address()));
                if (h % 10_000 == 0) {
                    out.printf("built %,d of %,d blocks%n", h, blocks);
                    out.flush();
                }
            }
            c.awaitSnapshots();
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
