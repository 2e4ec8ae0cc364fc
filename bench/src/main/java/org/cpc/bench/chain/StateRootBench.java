package org.cpc.bench.chain;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cpc.chain.Account;
import org.cpc.chain.Admission;
import org.cpc.chain.BlockSigner;
import org.cpc.chain.Genesis;
import org.cpc.chain.LocalChain;
import org.cpc.chain.ValidatorInfo;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * Two measurements, no JMH: (1) state_root upkeep per block of 1,000 transfers (2,000 account writes, SMT update
 * reading nodes from RocksDB through the node cache, one synced write) on 10k, 100k and 1M accounts; (2)
 * committed transactions per second of {@link LocalChain} without HTTP: signed transfers submitted from as many
 * threads as cores (signature checks included), then propose + ML-DSA sign + commit until the mempool is empty.
 *
 * <p>Usage, from the repository root, after {@code bin/jmh -l} has built {@code bench/target/benchmarks.jar}:
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * org.cpc.bench.chain.StateRootBench [dataDir] [sizes,comma,separated] [tpsTxs]}.
 */
public final class StateRootBench {
    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("cpc-bench");
        String sizes = args.length > 1 ? args[1] : "10000,100000,1000000";
        int tpsTxs = args.length > 2 ? Integer.parseInt(args[2]) : 40_000;
        for (String s : sizes.split(",")) stateRoot(base.resolve("smt-" + s), Integer.parseInt(s.strip()));
        if (tpsTxs > 0) tps(base.resolve("tps"), tpsTxs);
    }

    static byte[] accountKey(int i) {
        return StateKeys.account("acct-" + i);
    }

    static void stateRoot(Path dir, int accounts) throws Exception {
        try (ChainStore store = ChainStore.open(dir)) {
            SparseMerkleTree tree = new SparseMerkleTree(store::smtNode, LocalChain.Options.defaults().smtCacheNodes());
            SparseMerkleTree.Node root = SparseMerkleTree.Node.EMPTY_NODE;
            long t0 = System.nanoTime();
            int chunk = 200_000;
            for (int from = 0; from < accounts; from += chunk) {
                List<StateWrite> w = new ArrayList<>();
                List<SparseMerkleTree.Change> ch = new ArrayList<>();
                for (int i = from; i < Math.min(accounts, from + chunk); i++) {
                    byte[] v = StateKeys.encodeAccount(new Account(Amounts.cpc(1000), 0));
                    w.add(new StateWrite(StateKeys.ACCOUNT, accountKey(i), v));
                    ch.add(new SparseMerkleTree.Change(accountKey(i), Sha256.hash(v)));
                }
                SparseMerkleTree.Update u = tree.update(root, ch);
                store.commitState(w, u);
                tree.applied(u);
                root = u.root();
            }
            System.out.printf("state of %,d accounts loaded in %.1f s%n", accounts, (System.nanoTime() - t0) / 1e9);
            SplittableRandom rnd = new SplittableRandom(42);
            int blocks = Integer.getInteger("bench.blocks", 30), warm = Integer.getInteger("bench.warm", 10);
            long total = 0, updateNs = 0, nodes = 0;
            for (int b = 0; b < blocks + warm; b++) {
                // 1,000 transfers touch 2,000 accounts (distinct keys per block)
                TreeMap<Integer, Integer> touched = new TreeMap<>();
                while (touched.size() < 2000) touched.put(rnd.nextInt(accounts), b);
                long s = System.nanoTime();
                List<StateWrite> w = new ArrayList<>(2000);
                List<SparseMerkleTree.Change> ch = new ArrayList<>(2000);
                for (int i : touched.keySet()) {
                    byte[] v = StateKeys.encodeAccount(new Account(Amounts.cpc(1000).add(BigInteger.valueOf(b)), b + 1));
                    w.add(new StateWrite(StateKeys.ACCOUNT, accountKey(i), v));
                    ch.add(new SparseMerkleTree.Change(accountKey(i), Sha256.hash(v)));
                }
                SparseMerkleTree.Update u = tree.update(root, ch);
                long mid = System.nanoTime();
                store.commitState(w, u);
                tree.applied(u);
                root = u.root();
                if (b >= warm) {
                    total += System.nanoTime() - s;
                    updateNs += mid - s;
                    nodes += u.nodeWrites().size();
                }
            }
            System.out.printf("accounts %,9d: %.2f ms per block of 1,000 transfers (SMT update + synced write), "
                    + "%d blocks; SMT update alone %.2f ms, %,d node writes per block%n", accounts, total / 1e6 / blocks, blocks,
                    updateNs / 1e6 / blocks, nodes / blocks);
        }
    }

    static void tps(Path dir, int txCount) throws Exception {
        int senders = Math.max(1, txCount / 32);
        int perSender = (txCount + senders - 1) / senders;
        BenchAccounts a = BenchAccounts.of("bench", senders);
        String[] addr = a.addr();
        Genesis g = a.genesis();
        KeyPair vk = a.validatorKey();
        ValidatorInfo v = g.validators().getFirst();
        long t0ms = g.timestampMs();
        long sign0 = System.nanoTime();
        List<Transaction> txs = new ArrayList<>(senders * perSender);
        for (int n = 0; n < perSender; n++) {
            for (int i = 0; i < senders && txs.size() < txCount; i++) txs.add(a.transfer(i, n));
        }
        System.out.printf("signed %,d transfers of %,d senders in %.1f s (%s)%n", txs.size(), senders,
                (System.nanoTime() - sign0) / 1e9, Secp256k1.get().backend());
        long[] clock = {t0ms};
        LocalChain.Options o = LocalChain.Options.defaults().withClock(() -> clock[0] + 10_000)
                .withMempool(64, Math.max(20_000, txCount), 3_600_000);
        try (LocalChain c = LocalChain.open(dir, g, o)) {
            int threads = Runtime.getRuntime().availableProcessors();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long s = System.nanoTime();
            // Each thread takes a range of senders and submits their transactions in nonce order.
            java.util.Map<String, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < senders; i++) index.put(addr[i], i);
            List<List<Transaction>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) parts.add(new ArrayList<>());
            for (Transaction tx : txs) parts.get((int) ((long) index.get(tx.fromAddress()) * threads / senders)).add(tx);
            List<Future<Integer>> fs = new ArrayList<>();
            for (List<Transaction> part : parts) {
                fs.add(pool.submit(() -> {
                    int rejected = 0;
                    for (Transaction tx : part) {
                        if (c.submit(tx) instanceof Admission.Rejected r) {
                            rejected++;
                            if (rejected < 3) System.out.println("rejected: " + r.reason());
                        }
                    }
                    return rejected;
                }));
            }
            int rejected = 0;
            for (Future<Integer> f : fs) rejected += f.get();
            pool.shutdown();
            long submitted = System.nanoTime();
            long committed = 0;
            int blocks = 0;
            List<Block> produced = new ArrayList<>();
            while (c.mempoolSize() > 0) {
                clock[0] += 1000;
                Block b = c.propose(v.address(), 0, clock[0]);
                Block signed = BlockSigner.sign(b, vk.getPrivate());
                c.commit(signed, BlockSigner.soleCommit(signed, c.params().chainId(), vk.getPrivate(), v.address()));
                produced.add(signed);
                committed += b.transactions().size();
                blocks++;
                if (b.transactions().isEmpty()) break;
            }
            long end = System.nanoTime();
            // A second node that receives the blocks: full validation (signatures, execution, roots) and commit.
            try (LocalChain follower = LocalChain.open(dir.resolveSibling("tps-follower"), g, o)) {
                long f0 = System.nanoTime();
                for (Block b : produced) follower.commit(b);
                double fsec = (System.nanoTime() - f0) / 1e9;
                System.out.printf("follower: validated and committed %,d txs in %.2f s (%,.0f tx/s)%n", committed, fsec,
                        committed / fsec);
            }
            System.out.printf("admission: %,d txs in %.2f s (%,.0f tx/s on %d threads, %d rejected)%n", txs.size(),
                    (submitted - s) / 1e9, txs.size() / ((submitted - s) / 1e9), threads, rejected);
            System.out.printf("blocks: %,d txs in %d blocks in %.2f s (%,.0f tx/s propose+sign+commit)%n", committed,
                    blocks, (end - submitted) / 1e9, committed / ((end - submitted) / 1e9));
            System.out.printf("committed TPS end to end (submit + propose + sign + commit): %,.0f%n",
                    committed / ((end - s) / 1e9));
        }
    }
}
