package org.cpc.bench.chain;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cpc.chain.LocalChain;
import org.cpc.chain.Pruning;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.types.Transaction;

/**
 * Disk growth per block of an archive store and of a pruned one in the same run: each commits the same chain of
 * blocks of signed transfers (real RocksDB, the node's commit path), and the store's size is taken at the middle and
 * at the end, each time after a flush and full compaction so that deleted entries are gone from disk as they would be
 * after RocksDB's own compactions. Growth per block is the difference over the second half.
 */
public final class PruningGrowth {
    private PruningGrowth() {}

    public static void run(PrintWriter out, int blocks, int txsPerBlock, long keep, Path dir) throws Exception {
        BenchAccounts a = BenchAccounts.of("pruning", txsPerBlock);
        out.printf("%,d blocks of %,d transfers each; pruned store keeps %,d blocks%n", blocks, txsPerBlock, keep);
        long[] archive = grow(a, blocks, Pruning.ARCHIVE, dir.resolve("archive"));
        long[] pruned = grow(a, blocks, new Pruning(keep), dir.resolve("pruned"));
        int half = blocks / 2;
        out.println("| store | size after " + half + " blocks | after " + blocks + " | growth per block (second half) |");
        out.println("| --- | --- | --- | --- |");
        row(out, "archive", archive, blocks - half);
        row(out, "pruning " + keep, pruned, blocks - half);
        IngestStages.deleteTree(dir);
    }

    private static void row(PrintWriter out, String name, long[] sizes, int blocks) {
        out.printf("| %s | %,d bytes | %,d bytes | %,d bytes |%n", name, sizes[0], sizes[1], (sizes[1] - sizes[0]) / blocks);
    }

    /** Commits {@code blocks} blocks; returns the compacted store size after half of them and after all. */
    private static long[] grow(BenchAccounts a, int blocks, Pruning pruning, Path dir) throws Exception {
        long[] clock = {a.genesis().timestampMs()};
        LocalChain.Options o = LocalChain.Options.defaults().withClock(() -> clock[0] + 10_000).withPruning(pruning);
        long[] sizes = new long[2];
        int done = 0;
        for (int phase = 0; phase < 2; phase++) {
            int until = phase == 0 ? blocks / 2 : blocks;
            try (LocalChain c = LocalChain.open(dir, a.genesis(), o)) {
                for (; done < until; done++) {
                    List<Transaction> txs = new ArrayList<>(a.senders());
                    for (int i = 0; i < a.senders(); i++) txs.add(a.transfer(i, done));
                    BenchAccounts.submit(c, txs);
                    clock[0] += 1000;
                    a.commitBlock(c, clock[0]);
                }
                // Let the pruner catch up before measuring.
                long want = pruning.archive() ? 1 : Math.max(1, c.head().header().height() - pruning.keepBlocks() + 1);
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (c.earliestBlock() < want && System.nanoTime() < deadline) Thread.sleep(10);
            }
            try (ChainStore s = ChainStore.open(dir)) {
                s.compact();
            }
            sizes[phase] = size(dir);
        }
        return sizes;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
