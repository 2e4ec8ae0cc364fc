package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.LocalChain;
import org.cpc.node.net.BlockSync;
import org.cpc.p2p.PeerInfo;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block sync from several peers over real sockets and real RocksDB: a chain of many blocks is built straight into
 * the validator's store and copied to followers, which serve it to a new node. It fetches from more than one of
 * them, goes on past a peer that stops answering and past one that serves a tampered block (banned), and ends with
 * the others' blocks.
 */
class BlockSyncPeersTest {
    /** More ranges than one peer is asked at once ({@link BlockSync#RANGES_PER_PEER}), so that others are asked. */
    static final int BLOCKS = 8 * BlockSync.MAX_BLOCKS;

    @TempDir
    Path dir;

    /** Node 0 (the validator, never started: the chain stands still) holds {@link #BLOCKS} blocks; followers 1..{@code followers} a copy. */
    private Testnet chainOf(int followers) throws Exception {
        // genesis in the past, so that blocks a millisecond apart are not from the future
        Testnet net = Testnet.create(dir, 1, NetworkTest.params(), System.currentTimeMillis() - 3_600_000L);
        DataDir v = net.dataDir(0);
        ValidatorKey key = new Keyring(v.keys()).unlockValidator(NodeInit.DEFAULT_VALIDATOR_KEY,
                NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
        try (LocalChain c = LocalChain.open(v.db(), net.genesis, LocalChain.Options.defaults())) {
            for (int h = 1; h <= BLOCKS; h++) {
                Block b = BlockSigner.sign(c.propose(key.address(), 0, c.head().header().timestamp() + 1),
                        key.privateKey());
                c.commit(b, BlockSigner.soleCommit(b, net.params.chainId(), key.privateKey(), key.address()));
            }
        }
        for (int i = 0; i < followers; i++) copyTree(v.db(), net.dataDir(net.addFollower()).db());
        return net;
    }

    static void copyTree(Path from, Path to) {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every block 1..{@code height} of {@code n} is {@code reference}'s. */
    static void assertSameBlocks(TestNode reference, TestNode n, long height) {
        for (long h = 1; h <= height; h++) {
            assertThat(n.runner.chain().block(h).orElseThrow().hashHex()).as("block %d", h)
                    .isEqualTo(reference.runner.chain().block(h).orElseThrow().hashHex());
        }
    }

    @Test
    void aNewNodeFetchesFromSeveralPeersAndEndsWithTheirBlocks() throws Exception {
        try (Testnet net = chainOf(3)) {
            List<TestNode> servers = List.of(net.start(1), net.start(2), net.start(3));
            int s = net.addFollower();
            TestNode syncer = net.startWithPeers(s, servers.stream().map(Testnet::p2pAddress).toList());
            Testnet.await("the new node at " + BLOCKS, NetworkTest.WAIT.multipliedBy(2),
                    () -> net.height(syncer) >= BLOCKS);
            assertSameBlocks(servers.getFirst(), syncer, BLOCKS);
            Map<String, Long> byPeer = syncer.runner.network().syncedByPeer();
            assertThat(byPeer).as("blocks synced by peer").hasSizeGreaterThanOrEqualTo(2);
            assertThat(byPeer.values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(syncer.runner.network().syncedBlocks());
            assertThat(syncer.get("/metrics").body()).containsPattern("(?m)^cpc_sync_peers_used " + byPeer.size() + "\\.0$");
            // none was banned (on a loaded machine a slow answer may cost a USELESS point, no more)
            assertThat(syncer.runner.network().connectedPeers()).extracting(PeerInfo::id).containsAll(
                    servers.stream().map(n -> n.runner.network().nodeId()).toList());
        }
    }

    /**
     * The new node first meets a peer that answers its first request and then nothing (its other ranges time out),
     * then a forger that tampers with the first block of every answer, then an honest follower: the forger is
     * banned, nothing of it committed, and the chain is synced from the other two.
     */
    @Test
    void aSilentPeerAndAForgerDoNotStopTheSync() throws Exception {
        try (Testnet net = chainOf(2)) {
            // follower 1 only feeds the scripted peers (it stays up: they read its store); follower 2 comes later
            TestNode source = net.start(1);
            int s = net.addFollower();
            try (ScriptedSyncPeer silent = new ScriptedSyncPeer(() -> source.runner.chain(), List.of(), "silent",
                    (n, blocks) -> n == 0 ? blocks : null)) {
                TestNode syncer = net.startWithPeers(s, List.of(silent.address()));
                Testnet.await("the silent peer asked more than it answers", NetworkTest.WAIT, () -> silent.asks() >= 2);
                // its first answer, the first range, is committed; the rest waits for other peers
                long stalled = BlockSync.MAX_BLOCKS;
                Testnet.await("its first answer committed", NetworkTest.WAIT, () -> net.height(syncer) >= stalled);

                var syncerAddress = syncer.runner.network().listenAddress();
                try (ScriptedSyncPeer forger = new ScriptedSyncPeer(() -> source.runner.chain(), List.of(syncerAddress),
                        "forger", (n, blocks) -> ScriptedSyncPeer.tamperFirst(blocks))) {
                    Testnet.await("the forger answered twice", NetworkTest.WAIT, () -> forger.answers() >= 2);
                    Testnet.await("the forger banned", NetworkTest.WAIT, () -> syncer.runner.network().connectedPeers()
                            .stream().noneMatch(p -> p.id().equals(forger.nodeId())));
                    assertThat(net.height(syncer)).as("nothing of the forger's committed").isEqualTo(stalled);

                    // an honest follower connects later: the sync goes on from it
                    TestNode late = net.start(2); // dials every running node: the new one too
                    Testnet.await("the new node at " + BLOCKS, NetworkTest.WAIT.multipliedBy(2),
                            () -> net.height(syncer) >= BLOCKS);
                    assertSameBlocks(late, syncer, BLOCKS);
                    Map<String, Long> byPeer = syncer.runner.network().syncedByPeer();
                    assertThat(byPeer).doesNotContainKey(forger.nodeId())
                            .containsKey(late.runner.network().nodeId()).containsEntry(silent.nodeId(), stalled);
                    assertThat(silent.answers()).isEqualTo(1);
                }
            }
        }
    }
}
