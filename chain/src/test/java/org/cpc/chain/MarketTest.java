package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.MarketKit.*;
import static org.cpc.chain.TestKit.*;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.cpc.chain.exec.DeadlineIndex;
import org.cpc.chain.exec.ResultPayment;
import org.cpc.chain.market.JobDigest;
import org.cpc.chain.market.MarketTask;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.TaskStatus;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.chain.query.ResultReward;
import org.cpc.chain.query.TaskView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Market tasks on L1: escrow, cancel, job results, settlement, deadlines. */
class MarketTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();
    static final BigInteger REWARD = Amounts.cpc(10).add(BigInteger.valueOf(7)); // 3 jobs: 7 wei do not divide

    LocalChain open() {
        return LocalChain.open(dir, MarketKit.genesis(), options(clock));
    }

    static String accepted(Admission a) {
        return LocalChainTest.accepted(a);
    }

    static String rejected(Admission a) {
        return LocalChainTest.rejected(a);
    }

    MarketTask task(LocalChain c, String id) {
        return c.task(id).orElseThrow().task();
    }

    /** Commits a block holding exactly the given transactions (all admitted first). */
    Block block(LocalChain c, Transaction... txs) throws Exception {
        for (Transaction t : txs) accepted(c.submit(t));
        Block b = produce(c, vkey);
        assertThat(b.transactions()).hasSize(txs.length);
        return b;
    }

    @Test
    void createEscrowsAndTheCreatorCancelsWhilePending() throws Exception {
        try (LocalChain c = open()) {
            String id = taskId(1);
            long deadline = blockS(1) + 100;
            Transaction create = create(priv(0), id, REWARD, deadline, 3, 0);
            // the same task_id twice while the first is pending
            accepted(c.submit(create));
            assertThat(rejected(c.submit(create(priv(1), id, REWARD, deadline, 3, 0))))
                    .contains("a CREATE_TASK of task " + id + " is already pending");
            produce(c, vkey);
            Block b1 = c.head();
            assertThat(b1.transactions()).hasSize(1);
            long gas = c.transaction(create.hashHex()).orElseThrow().gasUsed();
            assertThat(gas).isEqualTo(60_000 + 16L * org.cpc.protocol.codec.Jcs.canonicalize(create.payload()).length);
            assertThat(c.account(addr(0)).balance())
                    .isEqualTo(Amounts.cpc(1000).subtract(REWARD).subtract(BigInteger.valueOf(gas * GAS_PRICE)));
            TaskView v = c.task(id).orElseThrow();
            assertThat(v.task().status()).isEqualTo(TaskStatus.PENDING);
            assertThat(v.task().escrowLeft()).isEqualTo(REWARD);
            assertThat(v.task().jobsTotal()).isEqualTo(3);
            assertThat(v.task().creator()).isEqualTo(addr(0));
            assertThat(v.payload().path("iterations").asInt()).isEqualTo(3);
            assertThat(v.jobs()).isEmpty();
            assertThat(c.totalEscrow()).isEqualTo(REWARD);
            assertThat(c.deadlineIndexEntries()).containsExactly(new DeadlineIndex.Entry(deadline, id));
            assertThat(rejected(c.submit(create(priv(1), id, REWARD, deadline, 3, 0))))
                    .contains("task_id " + id + " is already used by a market task");
            // cancel: not by another account, then by the creator
            assertThat(rejected(c.submit(cancel(priv(1), id, 0)))).contains("only the task's creator");
            assertThat(rejected(c.submit(cancel(priv(0), taskId(99), 1)))).contains("no market task " + taskId(99));
            BigInteger before = c.account(addr(0)).balance();
            block(c, cancel(priv(0), id, 1));
            assertThat(c.account(addr(0)).balance())
                    .isEqualTo(before.add(REWARD).subtract(BigInteger.valueOf(30_000 * GAS_PRICE)));
            assertThat(task(c, id).status()).isEqualTo(TaskStatus.CANCELLED);
            assertThat(task(c, id).escrowLeft()).isZero();
            assertThat(c.totalEscrow()).isZero();
            assertThat(c.deadlineIndexEntries()).isEmpty();
            assertThat(rejected(c.submit(cancel(priv(0), id, 2)))).contains("is cancelled");
            assertThat(rejected(c.submit(jobResult(priv(POC), priv(1), id, 0, null, 0)))).contains("is cancelled");
            assertSupply(c, Amounts.cpc(6000 + 1 + 1)); // + the validator's and the PoC validator's bonds
        }
    }

    @Test
    void marketResultsComeFromPocValidatorsBondedAtLeastMinPocBond() throws Exception {
        try (LocalChain c = open()) {
            String id = taskId(7);
            block(c, create(priv(0), id, REWARD, blockS(1) + 100, 3, 0));
            // Account 4 is no PoC validator until it bonds min_poc_bond (1 CPC on devnet) as one.
            assertThat(rejected(c.submit(jobResult(priv(4), priv(1), id, 0, priv(4), 0))))
                    .contains("must be sent by a PoC validator (bonded at least min_poc_bond)", "is neither");
            // Nor does its attestation of a result the worker sends itself count.
            assertThat(rejected(c.submit(jobResult(priv(1), priv(1), id, 0, priv(4), 0))))
                    .contains("has 0 wei bonded as a PoC validator, less than min_poc_bond 1000000000000000000");
            var k4 = org.cpc.protocol.keys.AccountKey.of(priv(4));
            block(c, org.cpc.client.TxBuilder.of(PARAMS, k4).nonce(0).gasPrice(GAS_PRICE).timestamp(1_700_000_000L)
                    .bondPoc(Amounts.cpc(1), "https://m4.example", "four"));
            block(c, jobResult(priv(4), priv(1), id, 0, null, 1));
            assertThat(c.task(id).orElseThrow().jobs()).extracting(j -> j.pocValidator()).containsExactly(addr(4));
            // The genesis PoC validator unbonds below min_poc_bond: its results are refused from then on.
            block(c, org.cpc.client.TxBuilder.of(PARAMS, org.cpc.protocol.keys.AccountKey.of(priv(POC))).nonce(0)
                    .gasPrice(GAS_PRICE).timestamp(1_700_000_000L).unbond("poc_validator", BigInteger.ONE));
            assertThat(rejected(c.submit(jobResult(priv(POC), priv(2), id, 1, null, 1))))
                    .contains("must be sent by a PoC validator (bonded at least min_poc_bond)");
            assertSupply(c, Amounts.cpc(6000 + 1 + 1));
        }
    }

    @Test
    void createTaskRulesNameWhatIsWrong() throws Exception {
        try (LocalChain c = open()) {
            long dl = blockS(1) + 100;
            String id = taskId(2);
            assertThat(rejected(c.submit(create(priv(0), computeTask(id, REWARD, dl, 3), REWARD.add(BigInteger.ONE), 0))))
                    .contains("ComputeTask.reward " + REWARD + " != amount");
            assertThat(rejected(c.submit(create(priv(0), computeTask("NOT-A-UUID", REWARD, dl, 3), REWARD, 0))))
                    .contains("is not a lowercase UUID");
            assertThat(rejected(c.submit(create(priv(0), computeTask(id, BigInteger.ZERO, dl, 3), BigInteger.ZERO, 0))))
                    .contains("must be more than 0 wei");
            var unknown = computeTask(id, REWARD, dl, 3).put("challenge_type", "training");
            assertThat(rejected(c.submit(create(priv(0), unknown, REWARD, 0)))).contains("unknown challenge_type 'training'");
            var inference = computeTask(id, REWARD, dl, 3).put("challenge_type", "inference"); // known: its payload is checked
            assertThat(rejected(c.submit(create(priv(0), inference, REWARD, 0)))).contains("inference payload is missing 'model'");
            var badPayload = computeTask(id, REWARD, dl, 3);
            ((com.fasterxml.jackson.databind.node.ObjectNode) badPayload.get("payload")).put("iterations", 0);
            assertThat(rejected(c.submit(create(priv(0), badPayload, REWARD, 0)))).contains("payload.iterations");
            assertThat(rejected(c.submit(create(priv(0), id, REWARD, blockS(0), 3, 0)))).contains("is not after the block's time");
            assertThat(rejected(c.submit(create(priv(0), id, REWARD, blockS(0) + 30L * 86400 + 10, 3, 0))))
                    .contains("max_task_lifetime_s 2592000");
            assertThat(rejected(c.submit(create(priv(0), id, Amounts.cpc(2000), dl, 3, 0)))).contains("insufficient balance");
            assertThat(rejected(c.submit(cancel(priv(0), "x", 0)))).contains("is not a lowercase UUID");
            // a payload above max_task_payload_bytes (a chain whose bound is tiny)
            Transaction big = create(priv(0), id, REWARD, dl, 3, 0);
            var tiny = PARAMS.withMarket(8000, 1000, 1000, 100, 16);
            var p = org.cpc.chain.exec.PreparedTx.of(big);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.cpc.chain.exec.TxRules.checkStateless(p, tiny))
                    .hasMessageContaining("above max_task_payload_bytes 16");
        }
    }

    @Test
    void jobResultsFromPocValidatorsOrAttestedWorkersSettleExactly() throws Exception {
        try (LocalChain c = open()) {
            String id = taskId(3);
            block(c, create(priv(0), id, REWARD, blockS(1) + 1000, 3, 0));
            // an unlisted sender that is not the worker
            assertThat(rejected(c.submit(jobResult(priv(2), priv(1), id, 0, null, 0))))
                    .contains("must be sent by a PoC validator");
            // the worker without an attestation, and with a forged one (signed by a key that is no PoC validator)
            assertThat(rejected(c.submit(jobResult(priv(1), priv(1), id, 0, null, 0))))
                    .contains("proof must be a PoC validator's attestation");
            assertThat(rejected(c.submit(jobResult(priv(1), priv(1), id, 0, priv(3), 0))))
                    .contains("is not a PoC validator's attestation").contains(addr(3));
            // the worker signature recovers someone else
            String rh = resultHash(id, 0);
            byte[] d = JobDigest.of(id, addr(1), rh, 0);
            ComputeResult wrongSigner = new ComputeResult(id, addr(1), rh, null, 0L, JobDigest.sign(priv(2), d));
            assertThat(rejected(c.submit(jobResult(priv(POC), wrongSigner, 0))))
                    .contains("signature recovers " + addr(2) + ", not worker_address " + addr(1));
            ComputeResult unsigned = new ComputeResult(id, addr(1), rh, null, 0L, null);
            assertThat(rejected(c.submit(jobResult(priv(POC), unsigned, 0)))).contains("signature (the worker's");
            ComputeResult withProof = new ComputeResult(id, addr(1), rh, "ab".repeat(65), 0L, JobDigest.sign(priv(1), d));
            assertThat(rejected(c.submit(jobResult(priv(POC), withProof, 0)))).contains("proof must be null");
            assertThat(rejected(c.submit(jobResult(priv(POC), priv(1), id, 3, null, 0)))).contains("out of range");
            // garbage in the signature or the attestation is a clear refusal, never an error of the node
            for (String junk : List.of("ff".repeat(65), "00".repeat(65), "ab".repeat(64) + "07")) {
                ComputeResult badSig = new ComputeResult(id, addr(1), rh, null, 0L, junk);
                assertThat(rejected(c.submit(jobResult(priv(POC), badSig, 0)))).contains("ComputeResult.signature");
                ComputeResult badAtt = new ComputeResult(id, addr(1), rh, junk, 0L, JobDigest.sign(priv(1), d));
                assertThat(rejected(c.submit(jobResult(priv(1), badAtt, 0)))).contains("ComputeResult.proof");
            }

            // job 0 from the PoC validator; job 2 from the worker (account 2) with the validator's attestation
            BigInteger w1 = c.account(addr(1)).balance(), w2 = c.account(addr(2)).balance();
            BigInteger poc0 = c.account(addr(POC)).balance();
            Transaction j0 = jobResult(priv(POC), priv(1), id, 0, null, 0);
            accepted(c.submit(j0));
            assertThat(rejected(c.submit(jobResult(priv(1), priv(1), id, 0, priv(POC), 0))))
                    .contains("a result for job 0 of task " + id + " is already pending");
            Transaction j2 = jobResult(priv(2), priv(2), id, 2, priv(POC), 0);
            accepted(c.submit(j2));
            assertThat(produce(c, vkey).transactions()).hasSize(2);
            assertThat(c.head().header().gasUsed()).isEqualTo(2 * 80_000);
            assertThat(c.head().header().computeRoot()).isNotEmpty();
            BigInteger share = REWARD.divide(BigInteger.valueOf(3));
            BigInteger worker = share.multiply(BigInteger.valueOf(8000)).divide(BigInteger.valueOf(10_000));
            BigInteger poc = share.multiply(BigInteger.valueOf(1000)).divide(BigInteger.valueOf(10_000));
            BigInteger fee = BigInteger.valueOf(80_000 * GAS_PRICE);
            assertThat(c.account(addr(1)).balance()).isEqualTo(w1.add(worker));
            assertThat(c.account(addr(2)).balance()).isEqualTo(w2.add(worker).subtract(fee));
            assertThat(c.account(addr(POC)).balance()).isEqualTo(poc0.add(poc).add(poc).subtract(fee));
            assertThat(c.account(TREASURY).balance()).isEqualTo(share.subtract(worker).subtract(poc).multiply(BigInteger.TWO));
            MarketTask t = task(c, id);
            assertThat(t.status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(t.jobsDone()).isEqualTo(2);
            assertThat(t.escrowLeft()).isEqualTo(REWARD.subtract(share.multiply(BigInteger.TWO)));
            assertThat(c.workerStats(addr(2))).isEqualTo(new WorkerStats(1, worker));
            List<ResultReward> rr = c.blockResults(c.head().header().height()).orElseThrow();
            assertThat(rr).extracting(ResultReward::kind).containsExactly(ResultPayment.Kind.MARKET, ResultPayment.Kind.MARKET);
            assertThat(rr).extracting(ResultReward::reward).containsExactly(worker, worker);
            assertThat(rr.get(0).pocValidator()).isEqualTo(addr(POC));

            // a second result for an accepted job; cancel once a job is in
            assertThat(rejected(c.submit(jobResult(priv(POC), priv(3), id, 0, null, 1))))
                    .contains("job 0 of task " + id + " already has an accepted result");
            assertThat(rejected(c.submit(cancel(priv(0), id, 1)))).contains("is in_progress");

            // the last job completes the task and takes the division remainder
            BigInteger w3 = c.account(addr(3)).balance();
            BigInteger tr = c.account(TREASURY).balance();
            block(c, jobResult(priv(POC), priv(3), id, 1, null, 1));
            BigInteger last = REWARD.subtract(share.multiply(BigInteger.TWO));
            assertThat(last).isEqualTo(share.add(BigInteger.TWO)); // 10 CPC + 7 wei = 3 × share + 2
            BigInteger lastWorker = last.multiply(BigInteger.valueOf(8000)).divide(BigInteger.valueOf(10_000));
            BigInteger lastPoc = last.multiply(BigInteger.valueOf(1000)).divide(BigInteger.valueOf(10_000));
            assertThat(c.account(addr(3)).balance()).isEqualTo(w3.add(lastWorker));
            assertThat(c.account(TREASURY).balance()).isEqualTo(tr.add(last).subtract(lastWorker).subtract(lastPoc));
            t = task(c, id);
            assertThat(t.status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(t.escrowLeft()).isZero();
            assertThat(c.totalEscrow()).isZero();
            assertThat(c.deadlineIndexEntries()).isEmpty();
            TaskView v = c.task(id).orElseThrow();
            assertThat(v.jobs()).extracting(j -> j.job()).containsExactly(0, 1, 2);
            assertThat(v.jobs()).extracting(j -> j.workerAddress()).containsExactly(addr(1), addr(3), addr(2));
            BigInteger paid = BigInteger.ZERO;
            for (var j : v.jobs()) paid = paid.add(j.workerReward()).add(j.pocReward()).add(j.treasuryReward());
            assertThat(paid).isEqualTo(REWARD);
            assertThat(rejected(c.submit(jobResult(priv(POC), priv(3), id, 1, null, 2)))).contains("is completed");
            long h = c.head().header().height();
            assertSupply(c, Amounts.cpc(6000 + 1 + 1)); // + the PoC validator's genesis bond (min_poc_bond)
        }
    }

    @Test
    void aPassedDeadlineFailsTheTaskAndRefundsWhatIsUnsettled() throws Exception {
        try (LocalChain c = open()) {
            String id = taskId(4), other = taskId(5);
            long deadline = blockS(1) + 3; // blocks 1..4 are within it, block 5 is past
            BigInteger reward = BigInteger.valueOf(4_000_000);
            block(c, create(priv(0), id, reward, deadline, 4, 0), create(priv(1), other, reward, deadline + 100, 1, 0));
            block(c, jobResult(priv(POC), priv(2), id, 1, null, 0));
            BigInteger creator = c.account(addr(0)).balance();
            produce(c, vkey); // 3
            produce(c, vkey); // 4: deadline == block time, still open
            assertThat(task(c, id).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            accepted(c.submit(jobResult(priv(POC), priv(2), id, 2, null, 1))); // admitted, then too late
            produce(c, vkey); // 5: fails the task first, so the pending result no longer applies
            assertThat(c.head().transactions()).isEmpty();
            MarketTask t = task(c, id);
            assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
            assertThat(t.escrowLeft()).isZero();
            assertThat(c.account(addr(0)).balance()).isEqualTo(creator.add(BigInteger.valueOf(3_000_000)));
            assertThat(c.deadlineIndexEntries()).containsExactly(new DeadlineIndex.Entry(deadline + 100, other));
            assertThat(c.totalEscrow()).isEqualTo(reward);
            assertThat(rejected(c.submit(jobResult(priv(POC), priv(2), id, 3, null, 1)))).contains("is failed");
            assertThat(rejected(c.submit(cancel(priv(0), id, 1)))).contains("is failed");
        }
    }

    @Test
    void restartKeepsTasksAndTheirDeadlines() throws Exception {
        String id = taskId(6);
        long deadline = blockS(1) + 3;
        String root;
        try (LocalChain c = open()) {
            block(c, create(priv(0), id, BigInteger.valueOf(1000), deadline, 2, 0));
            block(c, jobResult(priv(POC), priv(1), id, 0, null, 0));
            root = c.head().header().stateRoot();
        }
        try (LocalChain c = open()) {
            assertThat(c.head().header().stateRoot()).isEqualTo(root);
            assertThat(task(c, id).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(c.task(id).orElseThrow().jobs()).hasSize(1);
            assertThat(c.deadlineIndexEntries()).containsExactly(new DeadlineIndex.Entry(deadline, id));
            BigInteger before = c.account(addr(0)).balance();
            for (int i = 0; i < 3; i++) produce(c, vkey);
            assertThat(task(c, id).status()).isEqualTo(TaskStatus.FAILED);
            assertThat(c.account(addr(0)).balance()).isEqualTo(before.add(BigInteger.valueOf(500)));
        }
    }

    /**
     * The deadline index on disk, read with plain RocksDB: key uint64_be(deadline) ‖ UTF-8(task_id), empty value, one
     * per open task (a data directory of an earlier cpc must read the same). A store without it (or without its
     * marker) gets it rebuilt from the state when opened.
     */
    @Test
    void theDeadlineIndexKeepsItsLayoutAndIsRebuiltWhenMissing() throws Exception {
        long d = blockS(1) + 300;
        try (LocalChain c = open()) {
            block(c, create(priv(0), taskId(1), REWARD, d + 20, 2, 0), create(priv(0), taskId(2), REWARD, d, 2, 1));
            block(c, create(priv(1), taskId(3), REWARD, d + 10, 2, 0), cancel(priv(0), taskId(1), 2));
            assertThat(c.deadlineIndexEntries())
                    .containsExactly(new DeadlineIndex.Entry(d, taskId(2)), new DeadlineIndex.Entry(d + 10, taskId(3)));
        }
        java.util.Map<String, String> want = new java.util.LinkedHashMap<>();
        want.put(RawStore.hex(RawStore.be64(d), RawStore.utf8(taskId(2))), "");
        want.put(RawStore.hex(RawStore.be64(d + 10), RawStore.utf8(taskId(3))), "");
        assertThat(RawStore.read(dir, "task_deadlines")).containsExactlyEntriesOf(want);

        RawStore.with(dir, (db, handles) -> {
            for (String k : want.keySet()) db.delete(RawStore.handle(handles, "task_deadlines"), Hex.decode(k));
            db.delete(handles.getFirst(), RawStore.utf8("task_deadlines_v1"));
        });
        assertThat(RawStore.read(dir, "task_deadlines")).isEmpty();
        try (LocalChain c = open()) {
            assertThat(c.openTaskCount()).isEqualTo(2);
        }
        assertThat(RawStore.read(dir, "task_deadlines")).containsExactlyEntriesOf(want);
    }

    /**
     * Block execution says what each result was paid, and the store keeps it with the block: a synthetic result
     * between two market jobs takes the whole compute share (it is the only synthetic one), each job its worker
     * part.
     */
    @Test
    void eachResultOfABlockKeepsWhatItWasPaid() throws Exception {
        try (LocalChain c = open()) {
            String id = taskId(7);
            block(c, create(priv(0), id, REWARD, blockS(1) + 1000, 3, 0));
            Block b = block(c, jobResult(priv(POC), priv(1), id, 0, null, 0),
                    submitResult(priv(3), result(priv(3), 1, c.head().hashHex()), 0),
                    jobResult(priv(POC), priv(2), id, 1, null, 1));
            BigInteger worker = REWARD.divide(BigInteger.valueOf(3)).multiply(BigInteger.valueOf(8000))
                    .divide(BigInteger.valueOf(10_000));
            BigInteger computeShare = PARAMS.blockRewardAt(2).multiply(BigInteger.valueOf(PARAMS.computeRewardShareBps()))
                    .divide(BigInteger.valueOf(10_000));
            List<ResultReward> rr = c.blockResults(2).orElseThrow();
            assertThat(rr).extracting(ResultReward::index).containsExactly(0, 1, 2);
            assertThat(rr).extracting(ResultReward::kind).containsExactly(ResultPayment.Kind.MARKET, ResultPayment.Kind.SYNTHETIC,
                    ResultPayment.Kind.MARKET);
            assertThat(rr).extracting(ResultReward::reward).containsExactly(worker, computeShare, worker);
            assertThat(rr).extracting(ResultReward::pocValidator).containsExactly(addr(POC), null, addr(POC));
            assertThat(rr).extracting(ResultReward::txHash)
                    .containsExactlyElementsOf(b.transactions().stream().map(Transaction::hashHex).toList());
            assertThat(c.blockResults(1).orElseThrow()).isEmpty();
            assertThat(c.blockResults(3)).isEmpty();
        }
    }

    @Test
    void genesisMarketRolesRoundTripAndAreChecked() throws Exception {
        Genesis g = MarketKit.genesis();
        Path f = dir.resolve("genesis.json");
        GenesisFile.write(g, f);
        assertThat(GenesisFile.read(f)).isEqualTo(g);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GenesisFile.check(g.withMarket(List.of(addr(1), addr(1)), TREASURY)))
                .hasMessageContaining("listed twice");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GenesisFile.check(g.withMarket(List.of("cpc1nope"), TREASURY)))
                .hasMessageContaining("poc_validators entry");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GenesisFile.check(g.withMarket(List.of(), "x")))
                .hasMessageContaining("treasury_address");
        // the roles are state: another PoC validator list gives another genesis state root
        assertThat(GenesisState.writes(g)).isNotEqualTo(GenesisState.writes(g.withMarket(List.of(), TREASURY)));
        assertThat(Genesis.WELL_KNOWN_TREASURY).startsWith("cpc1");
    }
}
