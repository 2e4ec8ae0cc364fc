package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 under load: a child JVM produces blocks full of transfers and is killed (SIGKILL) at random moments,
 * then restarted; at the end the store must hold contiguous heights, every block must re-validate, the supply
 * must equal the genesis alloc plus the rewards minted, the state must equal a replay from genesis, and the
 * address index must list exactly the blocks' transactions.
 */
class CrashRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void killedRepeatedlyUnderLoadLosesNothingCommitted() throws Exception {
        var vk = MlDsa.generateKeyPair();
        Genesis g = TestKit.genesis(TestKit.PARAMS, vk, 30, 1_000_000);
        Path gf = tmp.resolve("genesis.json");
        GenesisFile.write(g, gf);
        Path kf = tmp.resolve("validator.key");
        Files.write(kf, MlDsa.encodePrivateKey(vk.getPrivate()));
        Path data = tmp.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(7);
        long lastSeen = 0;
        int kills = 5;
        for (int round = 0; round < kills; round++) {
            Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), CrashChild.class.getName(), data.toString(), gf.toString(),
                    kf.toString()).redirectErrorStream(true).start();
            AtomicLong committed = new AtomicLong(-1);
            AtomicLong opened = new AtomicLong(-1);
            List<String> output = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith("committed ")) committed.set(Long.parseLong(line.split(" ")[1]));
                        else if (line.startsWith("opened ")) opened.set(Long.parseLong(line.split(" ")[1]));
                        else synchronized (output) { output.add(line); }
                    }
                } catch (Exception ignored) {
                    // the process died
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (committed.get() < 0 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(committed.get()).as("child output: %s", output).isGreaterThanOrEqualTo(0);
            // a restart resumes at the last block the previous run reported committed (or later)
            assertThat(opened.get()).isGreaterThanOrEqualTo(lastSeen);
            Thread.sleep(150 + rnd.nextInt(400));
            p.destroyForcibly(); // SIGKILL
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
            lastSeen = committed.get();
        }

        TestKit.Clock far = new TestKit.Clock(Long.MAX_VALUE / 2);
        try (LocalChain c = LocalChain.open(data, g, TestKit.options(far));
             LocalChain replay = LocalChain.open(tmp.resolve("replay"), g, TestKit.options(far))) {
            long head = c.head().header().height();
            assertThat(head).isGreaterThanOrEqualTo(lastSeen).isGreaterThan(kills);
            BigInteger minted = BigInteger.ZERO;
            long txs = 0;
            Block prev = c.block(0).orElseThrow();
            for (long h = 1; h <= head; h++) {
                Block b = c.block(h).orElseThrow(); // heights contiguous
                assertThat(b.header().prevHash()).isEqualTo(prev.hashHex());
                replay.commit(b); // every stored block re-validates: signature, roots, gas, every transaction
                minted = minted.add(g.params().blockRewardAt(h));
                txs += b.transactions().size();
                prev = b;
            }
            assertThat(txs).isPositive();
            System.out.printf("crash test: %d kills, %d blocks, %d transactions re-validated%n", kills, head, txs);
            assertThat(c.supply().sumOfBuckets()).isEqualTo(g.supply().add(minted));
            assertThat(replay.head().header().stateRoot()).isEqualTo(c.head().header().stateRoot());
            assertThat(replay.dumpAccounts()).isEqualTo(c.dumpAccounts());
            for (int i = 0; i < 30; i++) assertThat(replay.account(TestKit.addr(i))).isEqualTo(c.account(TestKit.addr(i)));
            // the readers' index is written with each block: never behind (or ahead of) the blocks after a kill
            for (int i = 0; i < 30; i++) ExplorerIndexTest.assertIndexMatchesBlocks(c, TestKit.addr(i));
        }
    }
}
