package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.chain.TestKit.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block pruning on a real RocksDB store: a pruned chain keeps the genesis block and the last N blocks with their
 * certificates, results and index entries, answers "pruned" for the rest, keeps serving current state, survives a
 * reopen, and a SIGKILL while it prunes leaves a consistent store.
 */
class PruningTest {
    static final int KEEP = (int) Pruning.MIN_KEEP;

    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final KeyPair vk = validatorKey();
    final PrivateKey vkey = vk.getPrivate();

    @Test
    void parsesArchiveDefaultAndNumbersAndRefusesWhatCannotWork() {
        assertThat(Pruning.parse("archive").archive()).isTrue();
        assertThat(Pruning.parse("default").keepBlocks()).isEqualTo(Pruning.DEFAULT_KEEP);
        assertThat(Pruning.parse("5000").keepBlocks()).isEqualTo(5000);
        assertThat(Pruning.parse("5000").toString()).isEqualTo("5000");
        assertThatThrownBy(() -> Pruning.parse("10")).hasMessageContaining("at least " + Pruning.MIN_KEEP);
        assertThatThrownBy(() -> Pruning.parse("all")).hasMessageContaining("archive, default or a number");
        // a network whose rules read further back than what is kept
        var wide = NetworkParams.fromJson(PARAMS.toJson().put("evidence_max_age_blocks", 500));
        assertThatThrownBy(() -> new Pruning(KEEP).check(wide)).hasMessageContaining("reads back 501");
        new Pruning(KEEP).check(PARAMS);
    }

    @Test
    void keepsTheLastNBlocksAnswersPrunedForOlderOnesAndSurvivesAReopen() throws Exception {
        List<Transaction> early = new ArrayList<>();
        try (LocalChain c = LocalChain.open(dir, genesis(4), options(clock))) {
            new ExplorerIndexTest().transfers(c, 20);
            early.addAll(c.block(3).orElseThrow().transactions());
            for (int i = 0; i < KEEP + 60; i++) produce(c, vkey);
        }
        long head;
        try (LocalChain c = LocalChain.open(dir, genesis(4), options(clock).withPruning(new Pruning(KEEP)))) {
            head = c.head().header().height();
            long want = head - KEEP + 1;
            awaitEarliest(c, want);
            assertThat(c.block(0)).isPresent();
            for (long h = 1; h < want; h++) {
                assertThat(c.pruned(h)).isTrue();
                assertThat(c.block(h)).isEmpty();
                assertThat(c.commitOf(h)).isEmpty();
                assertThat(c.blockResults(h)).isEmpty();
            }
            for (long h = want; h <= head; h++) {
                assertThat(c.pruned(h)).isFalse();
                assertThat(c.block(h)).isPresent();
            }
            assertThat(early).isNotEmpty();
            for (Transaction tx : early) assertThat(c.transaction(tx.hashHex())).isEmpty();
            for (int i = 0; i < 4; i++) ExplorerIndexTest.assertIndexMatchesBlocks(c, addr(i));
            // the state is the head's, whole: balances and nonces still answer, and new blocks commit
            assertThat(c.nextNonce(addr(0))).isPositive();
            new ExplorerIndexTest().transfers(c, 3);
            awaitEarliest(c, c.head().header().height() - KEEP + 1);
        }
        // reopened as an archive node: what was pruned stays pruned, the rest is intact
        try (LocalChain c = LocalChain.open(dir, genesis(4), options(clock))) {
            assertThat(c.earliestBlock()).isEqualTo(c.head().header().height() - KEEP + 1);
            Block prev = c.block(c.earliestBlock()).orElseThrow();
            for (long h = c.earliestBlock() + 1; h <= c.head().header().height(); h++) {
                Block b = c.block(h).orElseThrow();
                assertThat(b.header().prevHash()).isEqualTo(prev.hashHex());
                prev = b;
            }
        }
    }

    /**
     * A child JVM that prunes a backlog of old blocks while it produces new ones is killed (SIGKILL) at random
     * moments and restarted; after each kill the store opens (state root checked against the head), the kept
     * blocks are contiguous, the pruned ones are wholly gone and the address index lists exactly the kept blocks.
     */
    @Test
    void killedWhilePruningLeavesAConsistentStore() throws Exception {
        Genesis g = TestKit.genesis(PARAMS, vk, 30, 1_000_000);
        Path gf = dir.resolve("genesis.json");
        GenesisFile.write(g, gf);
        Path kf = dir.resolve("validator.key");
        Files.write(kf, MlDsa.encodePrivateKey(vkey));
        Path data = dir.resolve("data");
        // A backlog: more than one prune batch of blocks beyond what is kept.
        try (LocalChain c = LocalChain.open(data, g, options(clock))) {
            for (int i = 0; i < KEEP + BlockPruner.BATCH_BLOCKS + 40; i++) produce(c, vkey);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(11);
        List<Long> earliestAfterKill = new ArrayList<>();
        long lastReported = 1;
        for (int round = 0; round < 4; round++) {
            Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    CrashChild.class.getName(), data.toString(), gf.toString(), kf.toString(), String.valueOf(KEEP))
                    .redirectErrorStream(true).start();
            AtomicLong opened = new AtomicLong(-1);
            AtomicLong reported = new AtomicLong(-1);
            List<String> output = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("opened ")) opened.set(Long.parseLong(line.split(" ")[1]));
                        else if (line.startsWith("earliest ")) reported.set(Long.parseLong(line.split(" ")[1]));
                        else if (!line.startsWith("committed ")) synchronized (output) { output.add(line); }
                    }
                } catch (Exception ignored) {
                    // the process died
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (opened.get() < 0 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
            assertThat(opened.get()).as("child output: %s", output).isPositive();
            if (round > 0) {
                // Once the child has pruned a batch, kill it soon after: most likely inside the next one.
                long before = lastReported;
                while (reported.get() <= before && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(1);
            }
            Thread.sleep(rnd.nextInt(30));
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            try (LocalChain c = LocalChain.open(data, g, TestKit.options(new Clock(Long.MAX_VALUE / 2)))) {
                long earliest = c.earliestBlock();
                earliestAfterKill.add(earliest);
                assertThat(earliest).as("a prune the child reported is durable").isGreaterThanOrEqualTo(reported.get());
                lastReported = earliest;
                assertThat(c.block(0)).isPresent();
                for (long h = 1; h < earliest; h++) assertThat(c.block(h)).isEmpty();
                Block prev = c.block(earliest).orElseThrow();
                for (long h = earliest + 1; h <= c.head().header().height(); h++) {
                    Block b = c.block(h).orElseThrow();
                    assertThat(b.header().prevHash()).isEqualTo(prev.hashHex());
                    prev = b;
                }
                for (int i = 0; i < 30; i++) ExplorerIndexTest.assertIndexMatchesBlocks(c, addr(i));
            }
        }
        System.out.println("pruning crash test: lowest kept block after each kill " + earliestAfterKill);
        assertThat(earliestAfterKill.getLast()).isGreaterThan(1);
    }

    private static void awaitEarliest(LocalChain c, long want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (c.earliestBlock() < want && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(c.earliestBlock()).isEqualTo(want);
    }
}
