package org.cpc.bench.chain;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.chain.LocalChain;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * F1's promise measured: the CPU one block costs with 10, 10,000 and 100,000 delegators of one validator, in one run.
 * Each chain (real RocksDB, the node's propose and commit path; the same accounts funded at genesis) is first given
 * its delegators, then the same measured blocks: {@link #SENDERS} transfers, one DELEGATE that adds to a delegation
 * (which withdraws its rewards, as every change to a delegation does) and one WITHDRAW_REWARDS. Every block pays the
 * validator, so each one touches the validator's reward period; none may touch its delegators one by one.
 * StakingF1CostTest proves the same by counting state reads and writes; this shows it in time.
 *
 * <p>A delegation adds three state entries (the delegation, its delegator's staker index, and the F1 reward period
 * it starts from, kept while a delegation refers to it: each DELEGATE closes a period), so a chain with more
 * delegators also has a larger state tree, and every write walks a longer path in a larger store. To tell that cost
 * from work per delegator, each count N above the smallest gets a <em>control</em>: the smallest count of delegators
 * plus {@link #ENTRIES_PER_DELEGATION} × (N − smallest) new accounts (1-wei transfers to fresh addresses), so its
 * state has as many entries as the N-delegator chain's. F1 holds when a chain costs what its control costs.
 *
 * <p>The chains are measured <em>interleaved</em>: one block on each in turn, round after round, so that a change in
 * the machine's load during the run falls on all of them alike (on a shared machine the load moves more between
 * minutes than these chains differ).
 */
public final class DelegatorScaling {
    /** Transfer senders in each measured block (accounts 1..SENDERS; account 0 operates the validator). */
    static final int SENDERS = 50;
    /**
     * State entries one delegation adds: the delegation (0x0b), its delegator's staker index (0x0f) and the reward
     * period (0x0c) it starts from (every DELEGATE ends the validator's period, and a period is kept while a
     * delegation refers to it).
     */
    static final int ENTRIES_PER_DELEGATION = 3;
    /** Delegators that take turns at the measured blocks' WITHDRAW_REWARDS, on every chain. */
    static final int WITHDRAWERS = 10;
    /** Transactions submitted at once while the delegators are set up. */
    private static final int SETUP_CHUNK = 2_000;

    private DelegatorScaling() {}

    /** One chain of the run: its delegations, the accounts it adds besides, and its measured blocks. */
    private static final class Subject implements AutoCloseable {
        final String label;
        final int delegators;
        final LocalChain chain;
        final long[] clock;
        final long[] nonce;
        final long[] ns;

        Subject(String label, int delegators, BenchAccounts a, int blocks, Path dir) throws Exception {
            this.label = label;
            this.delegators = delegators;
            this.clock = new long[] {a.genesis().timestampMs()};
            this.nonce = new long[a.senders()];
            this.ns = new long[blocks];
            this.chain = LocalChain.open(dir, a.genesis(),
                    LocalChain.Options.defaults().withClock(() -> clock[0] + 10_000));
        }

        @Override
        public void close() throws Exception {
            chain.close();
        }
    }

    /**
     * @param accounts accounts funded at genesis besides the operator and the senders, at least the largest count
     */
    public static void run(PrintWriter out, int[] delegatorCounts, int accounts, int blocks, Path dir) throws Exception {
        int most = Arrays.stream(delegatorCounts).max().orElseThrow();
        int least = Arrays.stream(delegatorCounts).min().orElseThrow();
        if (accounts < most) throw new IllegalArgumentException("accounts " + accounts + " < delegators " + most);
        out.printf("blocks of %d transfers + 1 DELEGATE + 1 WITHDRAW_REWARDS, %d measured per chain (after %d warm-up),"
                + " one block per chain in turn%n", SENDERS, blocks, blocks / 2);
        // Every chain has the same accounts, funded at genesis, so that only the delegations (and the controls'
        // added accounts) differ between them.
        BenchAccounts a = BenchAccounts.of("f1", 1 + SENDERS + accounts);
        out.printf("%,d accounts funded at genesis on every chain%n", a.senders());
        List<Subject> subjects = new ArrayList<>();
        try {
            // A first chain, not reported, so the JIT has compiled the block path before the measured ones.
            Subject warm = new Subject("warm-up", least, a, blocks, dir.resolve("warm-up"));
            subjects.add(warm);
            setUp(a, warm, least, 0);
            for (int n : delegatorCounts) {
                Subject s = new Subject(String.format("%,d delegators", n), n, a, blocks, dir.resolve("d" + n));
                subjects.add(s);
                setUp(a, s, n, 0);
                if (n != least) {
                    int extra = ENTRIES_PER_DELEGATION * (n - least);
                    Subject c = new Subject(String.format("control: %,d delegators + %,d new accounts", least, extra),
                            least, a, blocks, dir.resolve("c" + n));
                    subjects.add(c);
                    setUp(a, c, least, extra);
                }
                out.printf("set up: %s%n", s.label);
                out.flush();
            }
            int warmup = blocks / 2;
            for (int b = -warmup; b < blocks; b++) {
                for (Subject s : subjects) measureBlock(a, s, b);
            }
            out.println("| chain | median CPU per block | ratio to the first | ratio to its control |");
            out.println("| --- | --- | --- | --- |");
            long first = -1;
            long lastDelegatorChain = -1;
            for (Subject s : subjects.subList(1, subjects.size())) {
                long median = median(s.ns);
                if (first < 0) first = median;
                boolean control = s.label.startsWith("control");
                String toControl = control ? String.format("%.2f", (double) lastDelegatorChain / median) : "";
                if (!control) lastDelegatorChain = median;
                out.printf("| %s | %,d µs | %.2f | %s |%n", s.label, median / 1000, (double) median / first, toControl);
            }
            out.println("(\"ratio to its control\", on a control's row: the delegator chain above it over the control,"
                    + " two chains with equally many state entries; 1.00 is F1 exactly)");
            out.flush();
        } finally {
            for (Subject s : subjects) s.close();
            IngestStages.deleteTree(dir);
        }
    }

    /** Gives {@code s} its delegations to the operator, and {@code newAccounts} fresh accounts by 1-wei transfers. */
    private static void setUp(BenchAccounts a, Subject s, int delegators, int newAccounts) throws Exception {
        String operator = a.addr()[0];
        List<Transaction> setup = new ArrayList<>();
        for (int i = 1 + SENDERS; i < 1 + SENDERS + delegators; i++) {
            setup.add(delegate(a, i, s.nonce, operator, s.clock[0]));
        }
        // Senders of the new accounts' transfers: the funded accounts that do not delegate on this chain.
        int firstSender = 1 + SENDERS + delegators;
        int senders = a.senders() - firstSender;
        for (int k = 0; k < newAccounts; k++) {
            int i = firstSender + k % senders;
            setup.add(TxBuilder.of(a.params(), key(a, i)).nonce(s.nonce[i]++).timestamp(s.clock[0] / 1000)
                    .transfer(freshAddress(k), BigInteger.ONE));
        }
        for (int from = 0; from < setup.size(); from += SETUP_CHUNK) {
            BenchAccounts.submit(s.chain, setup.subList(from, Math.min(setup.size(), from + SETUP_CHUNK)));
            while (s.chain.mempoolSize() > 0) produce(s.chain, a, s.clock);
        }
    }

    /** Proposes and commits measured block {@code b} (negative: warm-up) on {@code s}, recording its CPU time. */
    private static void measureBlock(BenchAccounts a, Subject s, int b) throws Exception {
        String operator = a.addr()[0];
        List<Transaction> txs = new ArrayList<>(SENDERS + 2);
        for (int i = 1; i <= SENDERS; i++) txs.add(a.transfer(i, s.nonce[i]++));
        // The same few delegations withdraw on every chain: a delegation the run has not touched yet is a cold read
        // (RocksDB's cache, the tree's nodes) on a large chain and a warm one on a small chain, which is state size
        // again, not work per delegator.
        int d = 1 + SENDERS + Math.floorMod(b, Math.max(1, Math.min(s.delegators, WITHDRAWERS)));
        txs.add(delegate(a, 1 + Math.floorMod(b, SENDERS), s.nonce, operator, s.clock[0]));
        if (s.delegators > 0) {
            txs.add(TxBuilder.of(a.params(), key(a, d)).nonce(s.nonce[d]++).timestamp(s.clock[0] / 1000)
                    .withdrawRewards(operator));
        }
        BenchAccounts.submit(s.chain, txs);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long t0 = cpu.getCurrentThreadCpuTime();
        Block done = produce(s.chain, a, s.clock);
        long t = cpu.getCurrentThreadCpuTime() - t0;
        if (done.transactions().size() != txs.size()) {
            throw new IllegalStateException("a measured block holds " + done.transactions().size() + " of "
                    + txs.size() + " transactions");
        }
        if (b >= 0) s.ns[b] = t;
    }

    private static long median(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The address of a key nobody funded (derived from {@code k}), so that a transfer to it adds an account. */
    private static String freshAddress(int k) {
        byte[] priv = Sha256.hash(("f1-control-" + k).getBytes(StandardCharsets.UTF_8));
        return Address.account(Secp256k1.get().publicKey(priv));
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
