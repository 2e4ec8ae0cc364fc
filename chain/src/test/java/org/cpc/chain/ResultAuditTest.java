package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.TestKit.*;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.chain.audit.AuditStatus;
import org.cpc.chain.audit.Audits;
import org.cpc.chain.audit.ResultAudit;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.WorkBond;
import org.cpc.client.TxBuilder;
import org.cpc.compute.Challenge;
import org.cpc.compute.MatrixGenerator;
import org.cpc.compute.RowCommitment;
import org.cpc.compute.SyntheticProof;
import org.cpc.compute.SyntheticTask;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.MerkleTree;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random audits and CHALLENGE_RESULT on a real chain (RocksDB, real proofs, real signatures): a grinding worker's
 * result (one wrong row of C, re-rolled until that row is not among the challenged ones) passes the spot check and
 * is paid, then a full recomputation catches it; an honest one passes. Every wei is accounted for after every block.
 */
class ResultAuditTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();
    static final BigInteger BOND = Amounts.cpc(10);
    static final int GRINDER = 0, HONEST = 1, CHALLENGER = 2;

    static NetworkParams params(int auditRateBps) {
        return PARAMS.withBonds(PARAMS.bonds().withMinWorkerBond(Amounts.cpc(1)).withAudits(auditRateBps, 1000, 5000));
    }

    @Test
    void aGrindingWorkerIsPaidThenCaughtByARandomAuditAndAnHonestOnePasses() throws Exception {
        NetworkParams p = params(10_000);
        try (LocalChain c = LocalChain.open(dir, genesis(p, validatorKey(), 4, 1000), options(clock))) {
            Ledger ledger = new Ledger(c);
            bond(c, p, GRINDER, HONEST);
            ledger.produce(); // 1: the bonds
            String h1 = c.head().hashHex();
            ComputeResult bad = grind(priv(GRINDER), 1, h1);
            ComputeResult good = result(priv(HONEST), 1, h1);
            assertAccepted(c.submit(submit(p, priv(GRINDER), bad, 1)));
            assertAccepted(c.submit(submit(p, priv(HONEST), good, 1)));
            ledger.produce(); // 2: both accepted and paid; the spot check missed the wrong row
            assertThat(c.resultAccepted(bad.taskId())).isTrue();
            BigInteger reward = BlockExecutor.syntheticResultReward(p, 2, 2);
            assertThat(c.resultAudit(bad.taskId()).orElseThrow().status()).isEqualTo(AuditStatus.UNAUDITED);
            assertThat(c.resultAudit(bad.taskId()).orElseThrow().reward()).isEqualTo(reward);

            ledger.produce(); // 3: block 2's results are selected by this block's hash, at the start of block 4
            assertThat(c.resultAudit(bad.taskId()).orElseThrow().status()).isEqualTo(AuditStatus.UNAUDITED);
            ledger.produce(); // 4: selected (audit_rate_bps 10000) and recomputed in full

            ResultAudit caught = c.resultAudit(bad.taskId()).orElseThrow();
            assertThat(caught.status()).isEqualTo(AuditStatus.FAILED);
            assertThat(caught.by()).isEqualTo(ResultAudit.RANDOM);
            assertThat(caught.auditedHeight()).isEqualTo(4);
            assertThat(caught.reason()).contains("is not the root of the recomputed C");
            BigInteger slash = BOND.divide(BigInteger.TEN); // slash_result_bps 1000 of the bond
            assertThat(caught.taken()).isEqualTo(reward.add(slash));
            assertThat(caught.bounty()).isZero();
            assertThat(caught.burned()).isEqualTo(caught.taken());
            WorkBond g = c.workBond(BondRole.WORKER, addr(GRINDER)).orElseThrow();
            assertThat(g.amount()).isEqualTo(BOND.subtract(reward).subtract(slash));
            assertThat(g.audited()).isEqualTo(1);
            assertThat(g.failedAudits()).isEqualTo(1);
            assertThat(g.slashed()).isEqualTo(caught.taken());

            ResultAudit passed = c.resultAudit(good.taskId()).orElseThrow();
            assertThat(passed.status()).isEqualTo(AuditStatus.PASSED);
            WorkBond h = c.workBond(BondRole.WORKER, addr(HONEST)).orElseThrow();
            assertThat(h.amount()).isEqualTo(BOND);
            assertThat(h.audited()).isEqualTo(1);
            assertThat(h.failedAudits()).isZero();
            assertThat(h.slashed()).isZero();
            ledger.burned = ledger.burned.add(caught.burned());
            ledger.check();

            assertRejected(c.submit(challenge(p, CHALLENGER, bad.taskId(), 0)),
                    "was already audited at height 4 (failed, by random); a result is audited once");
        }
    }

    @Test
    void aChallengeCatchesTheGrinderAndPaysTheChallengerAndAnHonestResultCostsTheChallengerItsGas()
            throws Exception {
        NetworkParams p = params(0); // no random audits: only the challenges recompute
        try (LocalChain c = LocalChain.open(dir, genesis(p, validatorKey(), 4, 1000), options(clock))) {
            Ledger ledger = new Ledger(c);
            bond(c, p, GRINDER, HONEST);
            ledger.produce(); // 1
            String h1 = c.head().hashHex();
            ComputeResult bad = grind(priv(GRINDER), 1, h1);
            ComputeResult good = result(priv(HONEST), 1, h1);
            assertAccepted(c.submit(submit(p, priv(GRINDER), bad, 1)));
            assertAccepted(c.submit(submit(p, priv(HONEST), good, 1)));
            ledger.produce(); // 2
            BigInteger reward = c.resultAudit(bad.taskId()).orElseThrow().reward();

            BigInteger before = c.account(addr(CHALLENGER)).balance();
            Transaction ch1 = challenge(p, CHALLENGER, bad.taskId(), 0);
            Transaction ch2 = challenge(p, CHALLENGER, good.taskId(), 1);
            assertAccepted(c.submit(ch1));
            assertAccepted(c.submit(ch2));
            assertRejected(c.submit(challenge(p, HONEST, bad.taskId(), 2)), "CHALLENGE_RESULT of task " + bad.taskId());
            ledger.produce(); // 3: both challenges recompute in their own transactions

            long gas = GasSchedule.CHALLENGE_RESULT_GAS + GasSchedule.syntheticAuditGas(p);
            assertThat(c.transaction(ch1.hashHex()).orElseThrow().gasUsed()).isEqualTo(gas);
            ResultAudit caught = c.resultAudit(bad.taskId()).orElseThrow();
            assertThat(caught.status()).isEqualTo(AuditStatus.FAILED);
            assertThat(caught.by()).isEqualTo(ResultAudit.CHALLENGE);
            assertThat(caught.challenger()).isEqualTo(addr(CHALLENGER));
            BigInteger slash = BOND.divide(BigInteger.TEN);
            BigInteger bounty = slash.divide(BigInteger.TWO); // challenge_bounty_bps 5000 of the slash
            assertThat(caught.taken()).isEqualTo(reward.add(slash));
            assertThat(caught.bounty()).isEqualTo(bounty);
            assertThat(caught.burned()).isEqualTo(reward.add(slash).subtract(bounty));
            WorkBond g = c.workBond(BondRole.WORKER, addr(GRINDER)).orElseThrow();
            assertThat(g.amount()).isEqualTo(BOND.subtract(reward).subtract(slash));
            assertThat(g.failedAudits()).isEqualTo(1);

            assertThat(c.resultAudit(good.taskId()).orElseThrow().status()).isEqualTo(AuditStatus.PASSED);
            assertThat(c.workBond(BondRole.WORKER, addr(HONEST)).orElseThrow().amount()).isEqualTo(BOND);
            BigInteger fees = BigInteger.valueOf(2 * gas * 1000);
            assertThat(c.account(addr(CHALLENGER)).balance()).isEqualTo(before.subtract(fees).add(bounty));
            ledger.burned = ledger.burned.add(caught.burned());
            ledger.check();

            assertRejected(c.submit(challenge(p, CHALLENGER, good.taskId(), 2)),
                    "was already audited at height 3 (passed, by challenge)");
            String unknown = "0b1c2d3e-4f50-8172-8394-a5b6c7d8e9f0";
            assertRejected(c.submit(challenge(p, CHALLENGER, unknown, 2)),
                    "no synthetic result with task_id " + unknown);

            ComputeResult late = result(priv(HONEST), 3, c.head().hashHex());
            assertAccepted(c.submit(submit(p, priv(HONEST), late, 2)));
            ledger.produce(); // 4: included here; challengeable through 4 + challenge_window
            long last = 4 + p.bonds().challengeWindow();
            while (c.head().header().height() < last) ledger.produce();
            assertRejected(c.submit(challenge(p, CHALLENGER, late.taskId(), 2)), "the challenge window of the result"
                    + " of task " + late.taskId() + " closed at height " + last + " (included at height 4,"
                    + " challenge_window " + p.bonds().challengeWindow() + "); this block is " + (last + 1));
            ledger.check();
        }
    }

    @Test
    void theQueueRunsAtMostTheBlocksBudgetOfRandomAuditsOldestFirst() throws Exception {
        NetworkParams p = params(10_000);
        int workers = Audits.MAX_RANDOM_AUDITS_PER_BLOCK + 3;
        try (LocalChain c = LocalChain.open(dir, genesis(p, validatorKey(), workers, 1000), options(clock))) {
            Ledger ledger = new Ledger(c);
            List<String> ids = honestResultsInBlock2(ledger, p, workers);
            ledger.produce(); // 3
            int done = 0;
            for (long height = 4; done < workers; height++) {
                ledger.produce();
                done = Math.min(workers, done + Audits.MAX_RANDOM_AUDITS_PER_BLOCK);
                for (int i = 0; i < workers; i++) {
                    ResultAudit a = c.resultAudit(ids.get(i)).orElseThrow();
                    // block order within the block: the queue is FIFO
                    assertThat(a.status()).as("result %d after block %d", i, height)
                            .isEqualTo(indexInBlock(c, ids.get(i)) < done ? AuditStatus.PASSED : AuditStatus.QUEUED);
                }
            }
            ledger.check();
        }
    }

    @Test
    void aRealRateSelectsExactlyTheResultsTheNextBlocksHashDraws() throws Exception {
        NetworkParams p = params(5_000);
        int workers = 6;
        try (LocalChain c = LocalChain.open(dir, genesis(p, validatorKey(), workers, 1000), options(clock))) {
            Ledger ledger = new Ledger(c);
            List<String> ids = honestResultsInBlock2(ledger, p, workers);
            ledger.produce(); // 3: its hash draws
            String h3 = c.head().hashHex();
            for (int i = 0; i < 4; i++) ledger.produce(); // at most 6 audits, 2 a block
            for (String id : ids) {
                AuditStatus expected = Audits.selected(h3, id, 5_000) ? AuditStatus.PASSED : AuditStatus.UNAUDITED;
                assertThat(c.resultAudit(id).orElseThrow().status()).isEqualTo(expected);
            }
            ledger.check();
        }
    }

    @Test
    void theSelectionDrawsAuditRateBpsOfResults() {
        int draws = 20_000, rate = 2_000, hits = 0;
        for (int i = 0; i < draws; i++) {
            String hash = Hex.encode(Sha256.hash(("block-" + i).getBytes()));
            String taskId = SyntheticTask.taskIdOf(hash, addr(i % 7));
            if (Audits.selected(hash, taskId, rate)) hits++;
            assertThat(Audits.selected(hash, taskId, 0)).isFalse();
            assertThat(Audits.selected(hash, taskId, 10_000)).isTrue();
        }
        // 20,000 draws at 20 %: mean 4,000, standard deviation 57; the inputs are fixed, so is the count
        assertThat(hits).isBetween(3_700, 4_300);
    }

    // ---------------------------------------------------------------- helpers

    /** The result of a worker that computes C with one wrong entry in row 0, re-rolled until row 0 is unchallenged. */
    static ComputeResult grind(byte[] priv, long h, String blockHash) {
        String w = addr(priv);
        int n = PARAMS.syntheticMatrixSize(), k = PARAMS.syntheticSpotChecks();
        SyntheticTask task = SyntheticTask.of(blockHash, w, n, k);
        byte[] a = MatrixGenerator.generate(task.seed(), MatrixGenerator.Operand.A, n);
        byte[] b = MatrixGenerator.generate(task.seed(), MatrixGenerator.Operand.B, n);
        int[] cm = new int[n * n];
        Backends.java(1).gemm().gemm(MemorySegment.ofArray(a), MemorySegment.ofArray(b), MemorySegment.ofArray(cm),
                n, n, n);
        int truth = cm[0];
        for (int attempt = 1; ; attempt++) {
            cm[0] = truth + attempt;
            MerkleTree tree = RowCommitment.commit(MemorySegment.ofArray(cm), n);
            int[] rows = Challenge.rows(tree.root(), task.taskId(), n, k);
            if (Arrays.stream(rows).noneMatch(r -> r == 0)) {
                return new ComputeResult(task.taskId(), w, Hex.encode(tree.root()), SyntheticProof.encode(tree, rows),
                        h, null);
            }
        }
    }

    /** Accounts 0..workers−1 bond in block 1 and each puts an honest result on block 1 into block 2. */
    private static List<String> honestResultsInBlock2(Ledger ledger, NetworkParams p, int workers)
            throws InvalidBlockException {
        int[] all = new int[workers];
        Arrays.setAll(all, i -> i);
        bond(ledger.c, p, all);
        ledger.produce(); // 1
        String h1 = ledger.c.head().hashHex();
        List<String> ids = new ArrayList<>();
        for (int w : all) {
            ComputeResult r = result(priv(w), 1, h1);
            ids.add(r.taskId());
            assertAccepted(ledger.c.submit(submit(p, priv(w), r, 1)));
        }
        ledger.produce(); // 2
        return ids;
    }

    private static int indexInBlock(LocalChain c, String taskId) {
        List<Transaction> txs = c.block(2).orElseThrow().transactions();
        for (int i = 0; i < txs.size(); i++) {
            if (txs.get(i).payload().path("task_id").asText().equals(taskId)) return i;
        }
        throw new AssertionError("no result for " + taskId + " in block 2");
    }

    private static void bond(LocalChain c, NetworkParams p, int... accounts) {
        for (int a : accounts) {
            assertAccepted(c.submit(TxBuilder.of(p, AccountKey.of(priv(a))).nonce(0).gasPrice(1000)
                    .timestamp(1_700_000_000L).bondWorker(BOND)));
        }
    }

    private static Transaction submit(NetworkParams p, byte[] priv, ComputeResult r, long nonce) {
        return TxBuilder.of(p, AccountKey.of(priv)).nonce(nonce).gasPrice(1000).timestamp(1_700_000_000L)
                .submitResult(r);
    }

    private static Transaction challenge(NetworkParams p, int account, String taskId, long nonce) {
        return TxBuilder.of(p, AccountKey.of(priv(account))).nonce(nonce).gasPrice(1000).timestamp(1_700_000_000L)
                .challengeResult(taskId);
    }

    private static void assertAccepted(Admission a) {
        assertThat(a).as("%s", a).isInstanceOf(Admission.Accepted.class);
    }

    private static void assertRejected(Admission a, String reason) {
        assertThat(a).isInstanceOf(Admission.Rejected.class);
        assertThat(((Admission.Rejected) a).reason()).contains(reason);
    }

    /** Produces blocks and checks, after each, that the supply buckets hold exactly genesis + minted − burned. */
    private final class Ledger {
        final LocalChain c;
        final BigInteger genesis;
        BigInteger burned = BigInteger.ZERO;

        Ledger(LocalChain c) {
            this.c = c;
            this.genesis = c.supply().total();
        }

        void produce() throws InvalidBlockException {
            TestKit.produce(c, vkey);
            assertThat(c.supply().balanced()).as("supply %s", c.supply()).isTrue();
        }

        void check() {
            org.cpc.chain.staking.Supply s = c.supply();
            assertThat(s.balanced()).as("supply %s", s).isTrue();
            assertThat(s.total()).isEqualTo(genesis.add(org.cpc.chain.staking.Supply.minted(c.params(),
                    c.head().header().height())).subtract(burned));
        }
    }
}
