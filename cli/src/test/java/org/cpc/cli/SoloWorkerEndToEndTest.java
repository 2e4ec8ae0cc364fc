package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.BooleanSupplier;
import org.cpc.chain.LocalChain;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.cpc.worker.NodeApi;
import org.cpc.worker.SoloWorker;
import org.cpc.worker.StatusReporter;
import org.cpc.worker.WorkerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node (RocksDB chain, REST, SSE, block producer, devnet faucet) in this JVM on an ephemeral port, with the
 * compute module's synthetic verifier as its result check, and a solo worker against it: results land in blocks,
 * the worker is paid the compute share, and a restarted worker carries on with the right nonce. It lives here, where
 * the node and the worker meet, so that the worker module needs no node, chain or RocksDB, not even in its tests.
 */
class SoloWorkerEndToEndTest {
    private static final int N = 64;
    private static final int K = 8;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static NetworkParams testParams() {
        return NetworkParams.devnet().withSynthetic(N, K).withBlockTime(300);
    }


    private NodeRunner startNode() {
        NodeInit.init(tmp.resolve("node"), testParams(), null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null,
                System.currentTimeMillis());
        return NodeRunner.start(new DataDir(tmp.resolve("node")), 0, null,
                (db, genesis) -> LocalChain.open(db, genesis, LocalChain.Options.defaults()), NodeRunner.TCP,
                InstantSource.system(), () -> {
                    throw new AssertionError("a devnet node needs no password");
                });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }

    private record Running(SoloWorker worker, Thread thread, ByteArrayOutputStream out) {
        String output() {
            return out.toString(StandardCharsets.UTF_8);
        }

        void stop() throws InterruptedException {
            long t0 = System.nanoTime();
            worker.stop();
            assertThat(worker.awaitStopped(Duration.ofSeconds(1))).as("stopped within a second").isTrue();
            thread.join(1000);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        }
    }

    private static Running startWorker(String url, AccountKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ComputeBackend backend = Backends.select("cpu", 1);
        SoloWorker w = new SoloWorker(new NodeApi(url), key,
                backend, new StatusReporter(new PrintWriter(out, true, StandardCharsets.UTF_8), false));
        Thread t = Thread.ofPlatform().name("solo-worker").start(w);
        return new Running(w, t, out);
    }

    @Test
    void resultsLandInBlocksAndTheWorkerIsPaidTheComputeShare() throws Exception {
        AccountKey key = AccountKey.of(Secp256k1.randomPrivateKey());
        try (NodeRunner node = startNode()) {
            String url = "http://127.0.0.1:" + node.port();
            NetworkParams params = node.chain().params();

            Running first = startWorker(url, key);
            await("the first worker has 2 accepted results", () -> first.worker().status().accepted() >= 2);
            first.stop();
            WorkerStatus s1 = first.worker().status();
            assertThat(s1.rejected()).as(first.output()).isZero();
            assertThat(first.output()).contains("accepted, +5.0 CPC");
            assertThat(first.output().split("asked the devnet faucet", -1)).as("one faucet request").hasSize(2);

            // A restarted worker continues with the account's next nonce, pending transactions counted.
            long lastWorked = s1.lastBlock();
            await("a block newer than the first worker's last", () -> node.chain().head().header().height() > lastWorked);
            Running second = startWorker(url, key);
            await("the second worker has an accepted result", () -> second.worker().status().accepted() >= 1);
            second.stop();
            WorkerStatus s2 = second.worker().status();
            assertThat(s2.rejected()).as(second.output()).isZero();
            assertThat(s2.gops()).isPositive();
            assertThat(s2.n()).isEqualTo(N);

            // Let results still in the mempool land (or expire from the window) before reading the chain.
            long stopHeight = node.chain().head().header().height();
            await("the window passed", () -> node.chain().head().header().height() > stopHeight + params.syntheticWindow());

            BigInteger rewards = BigInteger.ZERO;
            BigInteger fees = BigInteger.ZERO;
            BigInteger funding = BigInteger.ZERO;
            BigInteger bonded = BigInteger.ZERO;
            int results = 0;
            long nonce = 0;
            for (long h = 1; h <= node.chain().head().header().height(); h++) {
                Block b = node.chain().block(h).orElseThrow();
                long inBlock = b.transactions().stream().filter(t -> t.txType() == TxType.SUBMIT_RESULT).count();
                assertThat(b.header().computeRoot().isEmpty()).isEqualTo(inBlock == 0);
                for (Transaction tx : b.transactions()) {
                    if (tx.txType() == TxType.TRANSFER && key.address().equals(tx.toAddress())) {
                        assertThat(tx.fromAddress()).isEqualTo(node.faucetAddress());
                        funding = funding.add(tx.amount());
                        continue;
                    }
                    if (tx.txType() == TxType.BOND && key.address().equals(tx.fromAddress())) {
                        // The devnet worker bonded itself min_worker_bond before its first result.
                        assertThat(tx.nonce()).isEqualTo(nonce++);
                        bonded = bonded.add(tx.amount());
                        fees = fees.add(tx.fee());
                        continue;
                    }
                    if (tx.txType() != TxType.SUBMIT_RESULT) continue;
                    assertThat(tx.fromAddress()).isEqualTo(key.address());
                    assertThat(tx.nonce()).isEqualTo(nonce++);
                    ComputeResult r = ComputeResult.fromJson(tx.payload());
                    assertThat(r.workerAddress()).isEqualTo(key.address());
                    assertThat(h - r.nonce()).isBetween(1L, params.syntheticWindow());
                    results++;
                    // 10 CPC × 50 % among the block's results (two when results for consecutive blocks meet).
                    BigInteger share = Amounts.cpc(5).divide(BigInteger.valueOf(inBlock));
                    assertThat(new NodeApi(url).resultReward(h, tx.hashHex())).isEqualTo(share);
                    rewards = rewards.add(share);
                    fees = fees.add(tx.fee());
                }
            }
            assertThat(results).isGreaterThanOrEqualTo(3);
            // The workers counted what they saw settle before they stopped; the chain may have paid one more since.
            assertThat(s1.accepted() + s2.accepted()).isLessThanOrEqualTo(results);
            assertThat(s1.earnedWei().add(s2.earnedWei())).isPositive().isLessThanOrEqualTo(rewards);

            // Balance: the faucet's transfer, plus the compute share of every block with its result, minus the fees.
            assertThat(funding).isEqualTo(Amounts.parseCpc(SoloWorker.FAUCET_TOP_UP_CPC));
            NodeApi.Account account = new NodeApi(url).account(key.address());
            assertThat(bonded).isEqualTo(params.bonds().minWorkerBond());
            assertThat(new NodeApi(url).workerBond(key.address())).isEqualTo(bonded);
            assertThat(account.balance()).isEqualTo(funding.add(rewards).subtract(fees).subtract(bonded));
            assertThat(account.nextNonce()).isEqualTo(nonce);
        }
    }
}
