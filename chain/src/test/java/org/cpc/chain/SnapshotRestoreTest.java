package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.chain.TestKit.GENESIS_MS;
import static org.cpc.chain.TestKit.genesis;
import static org.cpc.chain.TestKit.options;
import static org.cpc.chain.TestKit.produce;
import static org.cpc.chain.TestKit.validatorKey;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.TestKit.Clock;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.chain.snapshot.SnapshotStore;
import org.cpc.chain.snapshot.StateRestore;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on a real RocksDB store: taken every interval while blocks keep committing, chunked and hashed, the
 * last few kept; restored into a new node's store, which then follows the chain block for block with the same
 * hashes; a tampered chunk and a lying manifest are refused, and a restore cut short leaves a store that reopens at
 * genesis.
 */
class SnapshotRestoreTest {
    static final int INTERVAL = 6;

    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();

    LocalChain source() {
        return LocalChain.open(dir.resolve("a"), genesis(4), options(clock)
                .withSnapshots(new SnapshotPolicy(dir.resolve("snap"), INTERVAL, 2, 1024)));
    }

    /** The source chain after {@code blocks} blocks of transfers, its snapshots written. */
    LocalChain sourceAfter(int blocks) throws Exception {
        LocalChain a = source();
        new ExplorerIndexTest().transfers(a, blocks);
        a.awaitSnapshots();
        return a;
    }

    LocalChain fresh(String name) {
        return LocalChain.open(dir.resolve(name), genesis(4), options(clock));
    }

    static List<Block> window(LocalChain c, long height) {
        List<Block> out = new ArrayList<>();
        for (long h = Math.max(1, height - c.params().syntheticWindow()); h <= height; h++) {
            out.add(c.block(h).orElseThrow());
        }
        return out;
    }

    static List<JsonNode> commits(LocalChain c, List<Block> blocks) {
        return blocks.stream().map(b -> c.commitOf(b.header().height()).orElseThrow()).toList();
    }

    /** Applies every chunk of the snapshot of {@code height} held in {@code snaps}, in order. */
    static void applyAll(ChainRestore r, SnapshotStore snaps, long height) throws StateRestore.BadChunkException {
        while (!r.complete()) r.apply(snaps.chunk(height, r.nextChunk()).orElseThrow());
    }

    /** The accounts of a chain at genesis. */
    java.util.TreeMap<String, Account> genesisAccounts() {
        try (LocalChain c = fresh("genesis-" + System.nanoTime())) {
            return c.dumpAccounts();
        }
    }

    static ChainRestore begin(LocalChain src, LocalChain dst, SnapshotManifest m) {
        List<Block> w = window(src, m.height());
        return dst.beginRestore(m, w, commits(src, w));
    }

    @Test
    void snapshotsEveryIntervalKeepTheLastOnesAndRestoreToTheSameChain() throws Exception {
        try (LocalChain a = sourceAfter(3 * INTERVAL + 2)) {
            SnapshotStore snaps = a.snapshots().orElseThrow();
            List<SnapshotManifest> list = snaps.list();
            assertThat(list).extracting(SnapshotManifest::height).containsExactly(3L * INTERVAL, 2L * INTERVAL);
            SnapshotManifest m = list.getFirst();
            assertThat(m.blockHash()).isEqualTo(a.block(m.height()).orElseThrow().hashHex());
            assertThat(m.stateRoot()).isEqualTo(a.block(m.height()).orElseThrow().header().stateRoot());
            assertThat(m.chunks()).hasSizeGreaterThan(1); // 1 KiB chunks cut even this small state
            for (int i = 0; i < m.chunks().size(); i++) {
                byte[] c = snaps.chunk(m.height(), i).orElseThrow();
                // at most the chunk size, unless one entry alone is larger (a validator's ML-DSA key is ~4 KB)
                assertThat(c.length <= 1024 || org.cpc.chain.snapshot.SnapshotChunks.read(c, null).size() == 1)
                        .isTrue();
                assertThat(m.chunkMatches(i, c)).isTrue();
            }

            try (LocalChain b = fresh("b")) {
                ChainRestore r = begin(a, b, m);
                applyAll(r, snaps, m.height());
                r.finish();
                assertThat(b.head().hashHex()).isEqualTo(m.blockHash());
                assertThat(b.dumpAccounts()).isEqualTo(accountsAt(a, m));
                assertThat(b.earliestBlock()).isEqualTo(m.height() - a.params().syntheticWindow());
                assertThat(b.block(1)).isEmpty();
                assertThat(b.pruned(1)).isTrue();
                // the restored node follows the chain: every later block validates and executes to the same hash
                for (long h = m.height() + 1; h <= a.head().header().height(); h++) {
                    b.commit(a.block(h).orElseThrow(), a.commitOf(h).orElseThrow());
                }
                assertThat(b.head().hashHex()).isEqualTo(a.head().hashHex());
                assertThat(b.dumpAccounts()).isEqualTo(a.dumpAccounts());
                TestKit.assertSupply(b, a.supply().total().subtract(
                        org.cpc.chain.staking.Supply.minted(a.params(), a.head().header().height())));
                // and goes on producing on top of it
                produce(b, vkey);
                assertThat(b.head().header().height()).isEqualTo(a.head().header().height() + 1);
            }
        }
    }

    /** The accounts at the snapshot's height, by replaying the source's blocks up to it on a chain of its own. */
    private java.util.TreeMap<String, Account> accountsAt(LocalChain a, SnapshotManifest m) throws Exception {
        try (LocalChain c = fresh("replay-" + m.height())) {
            for (long h = 1; h <= m.height(); h++) c.commit(a.block(h).orElseThrow(), a.commitOf(h).orElseThrow());
            assertThat(c.head().header().stateRoot()).isEqualTo(m.stateRoot());
            return c.dumpAccounts();
        }
    }

    @Test
    void aTamperedChunkIsRefusedAndTheRightOneStillApplies() throws Exception {
        try (LocalChain a = sourceAfter(INTERVAL)) {
            SnapshotStore snaps = a.snapshots().orElseThrow();
            SnapshotManifest m = snaps.list().getFirst();
            try (LocalChain b = fresh("b")) {
                ChainRestore r = begin(a, b, m);
                byte[] good = snaps.chunk(m.height(), 0).orElseThrow();
                byte[] bad = good.clone();
                bad[bad.length - 1] ^= 1;
                assertThatThrownBy(() -> r.apply(bad)).isInstanceOf(StateRestore.BadChunkException.class)
                        .hasMessageContaining("chunk 0");
                assertThat(r.nextChunk()).isZero();
                applyAll(r, snaps, m.height());
                r.finish();
                assertThat(b.head().hashHex()).isEqualTo(m.blockHash());
            }
        }
    }

    @Test
    void aManifestWhoseChunksDoNotMakeItsStateRootIsRefusedAndGenesisComesBack() throws Exception {
        try (LocalChain a = sourceAfter(2 * INTERVAL)) {
            SnapshotStore snaps = a.snapshots().orElseThrow();
            SnapshotManifest newer = snaps.list().get(0), older = snaps.list().get(1);
            // a peer's lie: the newer block and root, the older state's chunks (each matching its listed hash)
            SnapshotManifest lie = new SnapshotManifest(SnapshotManifest.FORMAT, newer.height(), newer.blockHash(),
                    newer.stateRoot(), older.entries(), older.chunkBytes(), older.chunks());
            try (LocalChain b = fresh("b")) {
                String genesisRoot = b.head().header().stateRoot();
                ChainRestore r = begin(a, b, lie);
                applyAll(r, snaps, older.height());
                assertThatThrownBy(r::finish).isInstanceOf(StateRestore.BadChunkException.class)
                        .hasMessageContaining("state root");
                assertThat(b.head().header().height()).isZero();
                assertThat(b.accountProof(TestKit.addr(0))).isNotNull();
                assertThat(b.dumpAccounts()).isEqualTo(genesisAccounts());
                assertThat(b.head().header().stateRoot()).isEqualTo(genesisRoot);
                // the honest snapshot still restores
                ChainRestore again = begin(a, b, newer);
                applyAll(again, snaps, newer.height());
                again.finish();
                assertThat(b.head().hashHex()).isEqualTo(newer.blockHash());
            }
        }
    }

    @Test
    void aRestoreCutShortReopensAtGenesisAndTheWrongBlockIsRefused() throws Exception {
        try (LocalChain a = sourceAfter(INTERVAL)) {
            SnapshotStore snaps = a.snapshots().orElseThrow();
            SnapshotManifest m = snaps.list().getFirst();
            try (LocalChain b = fresh("b")) {
                List<Block> w = window(a, m.height() - 1);
                assertThatThrownBy(() -> b.beginRestore(m, w, commits(a, w)))
                        .hasMessageContaining("is not of the block given");
                ChainRestore r = begin(a, b, m);
                r.apply(snaps.chunk(m.height(), 0).orElseThrow());
            } // closed mid-restore: its state is half a snapshot
            try (LocalChain b = fresh("b")) {
                assertThat(b.head().header().height()).isZero();
                assertThat(b.dumpAccounts()).isEqualTo(genesisAccounts());
            }
        }
    }
}
