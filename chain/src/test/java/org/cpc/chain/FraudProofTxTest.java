package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.MarketKit.*;
import static org.cpc.chain.TestKit.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Random;
import org.cpc.chain.market.JobDigest;
import org.cpc.chain.market.JobDispute;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.query.TaskView;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.Supply;
import org.cpc.chain.staking.WorkBond;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.FraudProofBuilder;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FRAUD_PROOF on a real chain (RocksDB in a temp dir, real signatures): a PoC validator puts a wrong matmul job on
 * chain; a proof of one wrong entry slashes it and the worker, refunds the customer the job's share and pays the
 * prover, to the wei, the supply still balanced. A false proof only costs gas; a proof that proves nothing, one for
 * a job already proven, for an unknown task or job, or after the window is refused with its reason; so is an UNBOND
 * that would leave before the disputes of the tasks the bond backs.
 */
class FraudProofTxTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();
    static final byte[] CUSTOMER = priv(0), WORKER = priv(1), PROVER = priv(2), OTHER = priv(3), POC = priv(MarketKit.POC);
    static final int M = 8, K = 6, N = 5, ROWS_PER_JOB = 4;
    static final BigInteger REWARD = Amounts.cpc(4).add(BigInteger.valueOf(3)); // 2 jobs: 3 wei do not divide
    static final BigInteger WORKER_BOND = Amounts.cpc(30).add(BigInteger.valueOf(7));
    static final BigInteger POC_EXTRA = Amounts.cpc(20);
    final long[] nonces = new long[64];

    final byte[] a = new byte[M * K], b = new byte[K * N];
    final ObjectNode payload;
    final byte[] c;

    FraudProofTxTest() {
        Random rnd = new Random(14);
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        payload = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), M, K, N, ROWS_PER_JOB);
        c = new byte[4 * M * N];
        ByteBuffer out = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int s = 0;
                for (int t = 0; t < K; t++) s += a[i * K + t] * b[t * N + j];
                out.putInt(4 * (i * N + j), s);
            }
        }
    }

    Transaction tx(byte[] priv, TxType type, BigInteger amount, ObjectNode p) {
        int i = Arrays.asList(CUSTOMER, WORKER, PROVER, OTHER, POC).indexOf(priv);
        return MarketKit.tx(priv, type, amount, p, nonces[i]++, GasSchedule.intrinsicGas(type, p, PARAMS));
    }

    Block block(LocalChain ch, Transaction... txs) throws Exception {
        return MarketKit.block(ch, vkey, txs);
    }

    /** Job {@code job}'s output, with entry (row, col) of C set to {@code wrong} when row ≥ 0. */
    byte[] output(int job, int row, int col, int wrong) {
        int from = 4 * N * ROWS_PER_JOB * job;
        byte[] o = Arrays.copyOfRange(c, from, Math.min(c.length, from + 4 * N * ROWS_PER_JOB));
        if (row >= 0) ByteBuffer.wrap(o).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * ((row - ROWS_PER_JOB * job) * N + col), wrong);
        return o;
    }

    ObjectNode task(String id, long deadline) {
        ObjectNode t = Json.object().put("task_id", id).put("challenge_type", "matmul");
        t.set("payload", payload);
        return t.put("reward", REWARD.toString()).put("deadline", deadline);
    }

    /** The dishonest PoC validator's SUBMIT_RESULT: the worker signed the commitment of {@code output}. */
    Transaction result(String id, int job, byte[] output) {
        String rh = Hex.encode(MatmulChallenge.INSTANCE.resultHash(payload, job, output));
        byte[] d = JobDigest.of(id, addr(WORKER), rh, job);
        ComputeResult r = new ComputeResult(id, addr(WORKER), rh, null, (long) job, JobDigest.sign(WORKER, d));
        return MarketKit.tx(POC, TxType.SUBMIT_RESULT, BigInteger.ZERO, r.toJson(), nonces[4]++,
                GasSchedule.MARKET_RESULT_GAS);
    }

    FraudProof proof(String id, int job, int row, int col, byte[] output) {
        return FraudProofBuilder.build(id, payload, job, row, col,
                h -> MemorySegment.ofArray(h.equals(payload.get("a").textValue()) ? a : b), output);
    }

    Transaction fraud(byte[] priv, FraudProof p) {
        return tx(priv, TxType.FRAUD_PROOF, BigInteger.ZERO, p.toJson());
    }

    static ObjectNode role(String r) {
        ObjectNode o = Json.object().put("role", r);
        return r.equals("poc_validator") ? o.put("endpoint", "https://market.example").put("name", "dishonest") : o;
    }

    static BigInteger bps(BigInteger w, int bps) {
        return w.multiply(BigInteger.valueOf(bps)).divide(BigInteger.valueOf(10_000));
    }

    /** What a proven FRAUD_PROOF moves, by the rule of docs/protocol.md, for a job share and the two bonds. */
    record Slash(BigInteger pocTake, BigInteger workerTake, BigInteger refund, BigInteger bounty, BigInteger burned) {
        static Slash of(BigInteger share, BigInteger pocBond, BigInteger workerBond) {
            int slashBps = PARAMS.bonds().fraudSlashBps(), bountyBps = PARAMS.bonds().fraudBountyBps();
            BigInteger pocTake = bps(pocBond, slashBps);
            BigInteger workerTake = bps(workerBond, slashBps);
            BigInteger fromPoc = share.min(pocTake);
            BigInteger fromWorker = share.subtract(fromPoc).min(workerTake);
            BigInteger bounty = bps(pocTake.subtract(fromPoc), bountyBps).add(bps(workerTake.subtract(fromWorker), bountyBps));
            BigInteger burned = pocTake.add(workerTake).subtract(fromPoc).subtract(fromWorker).subtract(bounty);
            return new Slash(pocTake, workerTake, fromPoc.add(fromWorker), bounty, burned);
        }
    }

    @Test
    void aWrongJobIsProvenAndEachRefusalSaysWhy() throws Exception {
        try (LocalChain ch = LocalChain.open(dir, MarketKit.genesis(), options(clock))) {
            String id = taskId(1), late = taskId(2), idle = taskId(3);
            long deadline = blockS(1) + 60;
            block(ch, tx(WORKER, TxType.BOND, WORKER_BOND, role("worker")),
                    tx(POC, TxType.BOND, POC_EXTRA, role("poc_validator")),
                    tx(CUSTOMER, TxType.CREATE_TASK, REWARD, task(id, deadline)),
                    tx(CUSTOMER, TxType.CREATE_TASK, REWARD, task(late, deadline)),
                    tx(CUSTOMER, TxType.CREATE_TASK, REWARD, task(idle, deadline)));
            byte[] wrong = output(1, 5, 3, 12345);
            byte[] lateWrong = output(0, 2, 1, -7);
            Block settled = block(ch, result(id, 0, output(0, -1, 0, 0)), result(id, 1, wrong),
                    result(late, 0, lateWrong));
            long s = settled.header().height();
            TaskView v = ch.task(id).orElseThrow();
            assertThat(v.lastSettledHeight()).isEqualTo(s);
            assertThat(v.disputeUntil()).isEqualTo(s + PARAMS.bonds().disputeWindow());

            // The worker and the PoC validator back results of open tasks: they cannot start unbonding.
            assertThat(MarketTest.rejected(ch.submit(tx(WORKER, TxType.UNBOND, BigInteger.ONE, role("worker")))))
                    .contains("the worker bond of " + addr(WORKER) + " backs job results of a market task whose"
                            + " deadline " + deadline, "has not passed");
            nonces[1]--;
            assertThat(MarketTest.rejected(ch.submit(tx(POC, TxType.UNBOND, BigInteger.ONE, Json.object().put("role",
                    "poc_validator"))))).contains("the poc_validator bond of " + addr(POC) + " backs job results");
            nonces[4]--;

            // A proof that does not open to the task's commitments proves nothing: refused, no gas.
            FraudProof honest = proof(id, 0, 2, 4, output(0, -1, 0, 0));
            ObjectNode tampered = honest.toJson();
            byte[] aRow = Hex.decode(tampered.get("a_row").textValue());
            aRow[0] ^= 1;
            tampered.put("a_row", Hex.encode(aRow));
            assertThat(MarketTest.rejected(ch.submit(tx(PROVER, TxType.FRAUD_PROOF, BigInteger.ZERO, tampered))))
                    .contains("FRAUD_PROOF proves nothing: a_path does not lead from a_row");
            nonces[2]--;
            ObjectNode noRow = honest.toJson();
            noRow.remove("a_row");
            assertThat(MarketTest.rejected(ch.submit(tx(PROVER, TxType.FRAUD_PROOF, BigInteger.ZERO, noRow))))
                    .contains("FRAUD_PROOF proves nothing: the payload is not a valid fraud proof", "a_row");
            nonces[2]--;
            assertThat(MarketTest.rejected(ch.submit(fraud(PROVER, proof(taskId(9), 0, 2, 4, output(0, -1, 0, 0))))))
                    .contains("FRAUD_PROOF names no market task " + taskId(9));
            nonces[2]--;
            assertThat(MarketTest.rejected(ch.submit(fraud(PROVER, proof(idle, 1, 5, 0, output(1, -1, 0, 0))))))
                    .contains("job 1 of task " + idle + " has no accepted result");
            nonces[2]--;

            // A false proof (the entry is right) is included and costs its sender gas, nothing else.
            Supply before = ch.supply();
            BigInteger proverBefore = ch.account(addr(PROVER)).balance();
            Transaction falseProof = fraud(PROVER, honest);
            block(ch, falseProof);
            long falseGas = ch.transaction(falseProof.hashHex()).orElseThrow().gasUsed();
            long hex = 2L * (honest.aRow().length + honest.bCol().length + honest.cChunk().length) + 64L
                    * (honest.aPath().size() + honest.bPath().size() + honest.chunkPath().size() + honest.rowPath().size());
            assertThat(falseGas).isEqualTo(GasSchedule.FRAUD_PROOF_GAS + 16 * hex);
            assertThat(ch.account(addr(PROVER)).balance())
                    .isEqualTo(proverBefore.subtract(BigInteger.valueOf(falseGas * GAS_PRICE)));
            assertThat(ch.workBond(BondRole.WORKER, addr(WORKER)).orElseThrow().amount()).isEqualTo(WORKER_BOND);
            assertThat(ch.task(id).orElseThrow().disputes()).isEmpty();
            assertThat(ch.supply().total()).isEqualTo(before.total().add(Supply.minted(PARAMS, s + 1))
                    .subtract(Supply.minted(PARAMS, s)));

            // The true proof: job 1 claims C[5][3] = 12345.
            JobRecord job1 = ch.task(id).orElseThrow().jobs().get(1);
            BigInteger share = job1.workerReward().add(job1.pocReward()).add(job1.treasuryReward());
            assertThat(share).isEqualTo(REWARD.subtract(REWARD.divide(BigInteger.TWO)));
            WorkBond pocBond = ch.workBond(BondRole.POC_VALIDATOR, addr(POC)).orElseThrow();
            BigInteger customerBefore = ch.account(addr(CUSTOMER)).balance();
            proverBefore = ch.account(addr(PROVER)).balance();
            before = ch.supply();
            FraudProof wrongProof = proof(id, 1, 5, 3, wrong);
            Transaction proven = fraud(PROVER, wrongProof);
            MarketTest.accepted(ch.submit(proven));
            // One pending proof per job in the mempool.
            assertThat(MarketTest.rejected(ch.submit(fraud(OTHER, proof(id, 1, 6, 0, wrong)))))
                    .contains("FRAUD_PROOF of job 1 of task " + id + " is already pending");
            nonces[3]--;
            Block pb = produce(ch, vkey);
            long h = pb.header().height();
            long gas = ch.transaction(proven.hashHex()).orElseThrow().gasUsed();

            Slash x = Slash.of(share, pocBond.amount(), WORKER_BOND);
            BigInteger pocTake = x.pocTake(), workerTake = x.workerTake(), bounty = x.bounty(), burned = x.burned();
            assertThat(x.refund()).as("the customer is refunded the whole share").isEqualTo(share);

            assertThat(ch.workBond(BondRole.POC_VALIDATOR, addr(POC)).orElseThrow().amount())
                    .isEqualTo(pocBond.amount().subtract(pocTake));
            WorkBond wb = ch.workBond(BondRole.WORKER, addr(WORKER)).orElseThrow();
            assertThat(wb.amount()).isEqualTo(WORKER_BOND.subtract(workerTake));
            assertThat(wb.slashes()).isEqualTo(1);
            assertThat(ch.account(addr(CUSTOMER)).balance()).isEqualTo(customerBefore.add(share));
            assertThat(ch.account(addr(PROVER)).balance())
                    .isEqualTo(proverBefore.add(bounty).subtract(BigInteger.valueOf(gas * GAS_PRICE)));
            Supply after = ch.supply();
            assertThat(after.balanced()).as("%s", after).isTrue();
            assertThat(after.total()).isEqualTo(before.total().add(Supply.minted(PARAMS, h))
                    .subtract(Supply.minted(PARAMS, h - 1)).subtract(burned));
            JobDispute d = ch.task(id).orElseThrow().disputes().get(0);
            assertThat(d).isEqualTo(new JobDispute(id, 1, 5, 3, 12345, d.correct(), addr(PROVER), h,
                    proven.hashHex(), pocTake, workerTake, share, bounty, burned));
            assertThat(d.correct()).isEqualTo(ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).getInt(4 * (5 * N + 3)));

            // A second proof against the same job, even of another entry, is refused.
            assertThat(MarketTest.rejected(ch.submit(fraud(OTHER, proof(id, 1, 6, 0, wrong)))))
                    .contains("job 1 of task " + id + " was already proven wrong by " + proven.hashHex()
                            + " at height " + h);
            nonces[3]--;

            // Past the deadline the unfinished task fails; its wrong job, proven after the window: refused.
            while (blockS(ch.head().header().height()) <= deadline) produce(ch, vkey);
            assertThat(MarketTest.rejected(ch.submit(fraud(PROVER, proof(late, 0, 2, 1, lateWrong)))))
                    .contains("the dispute window of task " + late + " closed at height "
                            + (s + PARAMS.bonds().disputeWindow()), "last settled job at height " + s);
            nonces[2]--;

            // Once every task it backs is past its deadline, the worker may unbond; the entry is still slashable.
            block(ch, tx(WORKER, TxType.UNBOND, BigInteger.ONE, role("worker")));
            assertThat(ch.workBond(BondRole.WORKER, addr(WORKER)).orElseThrow().unbonding()).hasSize(1);
            assertThat(ch.supply().balanced()).isTrue();
        }
    }
}
