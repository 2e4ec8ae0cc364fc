package org.cpc.bench.chain;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.chain.LocalChain;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * F1's promise measured: the CPU one block costs with 10, 10,000 and 100,000 delegators of one validator, in one run.
 * Each chain (real RocksDB, the node's propose and commit path; the same accounts funded at genesis) is first given
 * its delegators, then the same
 * measured blocks: {@link #SENDERS} transfers, one DELEGATE that adds to a delegation (which withdraws its rewards, as
 * every change to a delegation does) and one WITHDRAW_REWARDS. Every block pays the validator, so each one touches
 * the validator's reward period; none may touch its delegators one by one. StakingF1CostTest proves the same by
 * counting state reads and writes; this shows it in time.
 */
public final class DelegatorScaling {
    /** Transfer senders in each measured block (accounts 1..SENDERS; account 0 operates the validator). */
    static final int SENDERS = 50;
    /** Transactions submitted at once while the delegators are set up. */
    private static final int SETUP_CHUNK = 2_000;

    private DelegatorScaling() {}

    /**
     * @param accounts accounts funded at genesis besides the operator and the senders, at least the largest count
     *     (a control: the same delegator count on chains of more accounts shows what a larger state alone costs)
     */
    public static void run(PrintWriter out, int[] delegatorCounts, int accounts, int blocks, Path dir) throws Exception {
        out.printf("blocks of %d transfers + 1 DELEGATE + 1 WITHDRAW_REWARDS, %d measured per chain (after %d warm-up)%n",
                SENDERS, blocks, blocks / 2);
        // Every chain has the same accounts, funded at genesis, so that only the delegations differ between them (a
        // larger state alone makes every write deeper in the state tree).
        int most = Arrays.stream(delegatorCounts).max().orElseThrow();
        if (accounts < most) throw new IllegalArgumentException("accounts " + accounts + " < delegators " + most);
        BenchAccounts a = BenchAccounts.of("f1", 1 + SENDERS + accounts);
        out.printf("%,d accounts funded at genesis on every chain%n", a.senders());
        out.println("| delegators | median CPU per block | ratio to the first |");
        out.println("| --- | --- | --- |");
        // A first chain, not reported, so the JIT has compiled the block path before the first measured one.
        measure(a, Arrays.stream(delegatorCounts).min().orElseThrow(), blocks, dir.resolve("warm-up"));
        long first = -1;
        for (int n : delegatorCounts) {
            long median = measure(a, n, blocks, dir.resolve("d" + n));
            if (first < 0) first = median;
            out.printf("| %,d | %,d µs | %.2f |%n", n, median / 1000, (double) median / first);
            out.flush();
        }
        IngestStages.deleteTree(dir);
    }

    /** The median CPU ns of a measured block's propose and commit with {@code delegators} delegators. */
    private static long measure(BenchAccounts a, int delegators, int blocks, Path dir) throws Exception {
        String operator = a.addr()[0];
        long[] clock = {a.genesis().timestampMs()};
        long[] nonce = new long[a.senders()];
        try (LocalChain c = LocalChain.open(dir, a.genesis(),
                LocalChain.Options.defaults().withClock(() -> clock[0] + 10_000))) {
            List<Transaction> setup = new ArrayList<>();
            for (int i = 1 + SENDERS; i < 1 + SENDERS + delegators; i++) setup.add(delegate(a, i, nonce, operator, clock[0]));
            for (int from = 0; from < setup.size(); from += SETUP_CHUNK) {
                BenchAccounts.submit(c, setup.subList(from, Math.min(setup.size(), from + SETUP_CHUNK)));
                while (c.mempoolSize() > 0) produce(c, a, clock);
            }
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            int warmup = blocks / 2;
            long[] ns = new long[blocks];
            for (int b = -warmup; b < blocks; b++) {
                List<Transaction> txs = new ArrayList<>(SENDERS + 2);
                for (int i = 1; i <= SENDERS; i++) txs.add(a.transfer(i, nonce[i]++));
                int d = 1 + SENDERS + Math.floorMod(b, Math.max(1, delegators));
                txs.add(delegate(a, 1 + Math.floorMod(b, SENDERS), nonce, operator, clock[0]));
                if (delegators > 0) {
                    txs.add(TxBuilder.of(a.params(), key(a, d)).nonce(nonce[d]++).timestamp(clock[0] / 1000)
                            .withdrawRewards(operator));
                }
                BenchAccounts.submit(c, txs);
                long t0 = cpu.getCurrentThreadCpuTime();
                Block done = produce(c, a, clock);
                long t = cpu.getCurrentThreadCpuTime() - t0;
                if (done.transactions().size() != txs.size()) {
                    throw new IllegalStateException("a measured block holds " + done.transactions().size() + " of "
                            + txs.size() + " transactions");
                }
                if (b >= 0) ns[b] = t;
            }
            Arrays.sort(ns);
            return ns[blocks / 2];
        }
    }

    private static Transaction delegate(BenchAccounts a, int i, long[] nonce, String operator, long nowMs) {
        return TxBuilder.of(a.params(), key(a, i)).nonce(nonce[i]++).timestamp(nowMs / 1000)
                .delegate(operator, Amounts.cpc(1));
    }

    private static AccountKey key(BenchAccounts a, int i) {
        return AccountKey.of(a.priv()[i]);
    }

    private static Block produce(LocalChain c, BenchAccounts a, long[] clock) throws Exception {
        clock[0] += 1000;
        return a.commitBlock(c, clock[0]);
    }
}
