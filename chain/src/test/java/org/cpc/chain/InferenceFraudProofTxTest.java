package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.MarketKit.*;
import static org.cpc.chain.TestKit.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.cpc.chain.market.JobDigest;
import org.cpc.chain.market.JobDispute;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.Supply;
import org.cpc.chain.staking.WorkBond;
import org.cpc.compute.gemm.JavaGemm;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.market.BlobSource;
import org.cpc.compute.market.InferenceChallenge;
import org.cpc.compute.market.InferenceCommitment;
import org.cpc.compute.market.InferenceFraudBuilder;
import org.cpc.compute.market.InferenceFraudProof;
import org.cpc.compute.market.InferenceFraudProof.Claim;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FRAUD_PROOF against an inference task on a real chain (RocksDB, real signatures), the committed CNN fixture
 * (Conv, MaxPool, Flatten, Dense): a worker corrupts one activation of the MaxPool layer, its PoC validator puts the
 * job on chain, and one proof of that entry slashes both, refunds the customer and pays the prover, to the wei. A
 * false proof of an honest entry costs only its gas, priced from the proof's fields; malformed proofs are refused
 * naming what is wrong.
 */
class InferenceFraudProofTxTest {
    private static final Path FIXTURES = Path.of("../compute/src/test/resources/onnx");
    static final byte[] CUSTOMER = priv(0), WORKER = priv(1), PROVER = priv(2), OTHER = priv(3), POC = priv(MarketKit.POC);
    static final BigInteger REWARD = org.cpc.protocol.types.Amounts.cpc(2).add(BigInteger.ONE);
    static final BigInteger WORKER_BOND = org.cpc.protocol.types.Amounts.cpc(30).add(BigInteger.valueOf(7));
    static final int POOL = 1; // the MaxPool layer of cnn_qdq

    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();
    final long[] nonces = new long[64];
    final Map<String, byte[]> blobs = new HashMap<>();
    final BlobSource source = h -> MemorySegment.ofArray(blobs.get(h));
    final IntModel model;
    final ObjectNode payload;

    InferenceFraudProofTxTest() throws Exception {
        byte[] onnx = Files.readAllBytes(FIXTURES.resolve("cnn_qdq.onnx"));
        byte[] input = Files.readAllBytes(FIXTURES.resolve("cnn_qdq.input.bin")); // 3 samples: jobs of 2 and 1
        model = OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT);
        payload = InferenceChallenge.payload(model, put(onnx), put(input), MemorySegment.ofArray(input),
                input.length / model.input().size(), 2);
    }

    private String put(byte[] b) {
        String h = Hex.encode(Sha256.hash(b));
        blobs.put(h, b);
        return h;
    }

    Transaction tx(byte[] priv, TxType type, BigInteger amount, ObjectNode p) {
        int i = Arrays.asList(CUSTOMER, WORKER, PROVER, OTHER, POC).indexOf(priv);
        return MarketKit.tx(priv, type, amount, p, nonces[i]++, GasSchedule.intrinsicGas(type, p, PARAMS));
    }

    Block block(LocalChain ch, Transaction... txs) throws Exception {
        return MarketKit.block(ch, vkey, txs);
    }

    byte[] output(int job) {
        return InferenceChallenge.INSTANCE.execute(payload, "t", job, source, new JavaGemm(1));
    }

    Transaction result(String id, int job, byte[] output) {
        String rh = Hex.encode(InferenceChallenge.INSTANCE.resultHash(payload, job, output, source));
        byte[] d = JobDigest.of(id, addr(WORKER), rh, job);
        ComputeResult r = new ComputeResult(id, addr(WORKER), rh, null, (long) job, JobDigest.sign(WORKER, d));
        return MarketKit.tx(POC, TxType.SUBMIT_RESULT, BigInteger.ZERO, r.toJson(), nonces[4]++,
                GasSchedule.MARKET_RESULT_GAS);
    }

    Transaction fraud(byte[] priv, String id, int job, int sample, int layer, int entry, Claim c, byte[] out) {
        InferenceFraudProof p = InferenceFraudBuilder.build(id, payload, job, sample, layer, entry, c, source, out);
        return tx(priv, TxType.FRAUD_PROOF, BigInteger.ZERO, p.toJson());
    }

    @Test
    void aCorruptedActivationIsProvenAndSlashedToTheWei() throws Exception {
        try (LocalChain ch = LocalChain.open(dir, MarketKit.genesis(), options(clock))) {
            String id = taskId(1);
            ObjectNode task = Json.object().put("task_id", id).put("challenge_type", "inference");
            task.set("payload", payload);
            task.put("reward", REWARD.toString()).put("deadline", blockS(1) + 60);
            block(ch, tx(WORKER, TxType.BOND, WORKER_BOND, FraudProofTxTest.role("worker")),
                    tx(POC, TxType.BOND, org.cpc.protocol.types.Amounts.cpc(20), FraudProofTxTest.role("poc_validator")),
                    tx(CUSTOMER, TxType.CREATE_TASK, REWARD, task));
            byte[] honest = output(0);
            byte[] wrong = output(1);
            int entry = 3;
            int at = InferenceCommitment.Layout.of(model, 1).actRow(POOL, 0) + entry;
            byte truth = wrong[at];
            wrong[at] = (byte) (truth == 127 ? 126 : truth + 1); // the worker's lie: one MaxPool output of sample 2
            block(ch, result(id, 0, honest), result(id, 1, wrong));

            // Proofs that prove nothing are refused, naming why, and cost nothing.
            ObjectNode tampered = InferenceFraudBuilder.build(id, payload, 0, 1, 0, 2, Claim.ACCUMULATOR, source, honest)
                    .toJson();
            byte[] unit = Hex.decode(tampered.get("unit").textValue());
            unit[20] ^= 1; // one weight
            tampered.put("unit", Hex.encode(unit));
            assertThat(MarketTest.rejected(ch.submit(tx(PROVER, TxType.FRAUD_PROOF, BigInteger.ZERO, tampered))))
                    .contains("FRAUD_PROOF proves nothing: unit_path does not lead from unit");
            nonces[2]--;
            ObjectNode noAct = tampered.deepCopy();
            noAct.remove("act");
            assertThat(MarketTest.rejected(ch.submit(tx(PROVER, TxType.FRAUD_PROOF, BigInteger.ZERO, noAct))))
                    .contains("FRAUD_PROOF proves nothing: the payload is not a valid fraud proof", "'act'");
            nonces[2]--;

            // A false proof: the honest job's Conv accumulator is right. Included; its sender pays the gas.
            Transaction falseProof = fraud(PROVER, id, 0, 1, 0, 2, Claim.ACCUMULATOR, honest);
            BigInteger proverBefore = ch.account(addr(PROVER)).balance();
            block(ch, falseProof);
            long gas = ch.transaction(falseProof.hashHex()).orElseThrow().gasUsed();
            InferenceFraudProof fp = InferenceFraudProof.fromJson(falseProof.payload());
            long hex = 2L * (fp.layerHeader().length + fp.unit().length) + 64L * (fp.headerPath().size()
                    + fp.unitPath().size());
            for (InferenceFraudProof.RowOpening o : new InferenceFraudProof.RowOpening[] {fp.input(), fp.acc()}) {
                hex += 64L * o.path().size();
                for (InferenceFraudProof.Chunk c : o.chunks()) hex += 2L * c.bytes().length + 64L * c.path().size();
            }
            assertThat(gas).isEqualTo(GasSchedule.FRAUD_PROOF_GAS + GasSchedule.FRAUD_PROOF_GAS_PER_HEX * hex);
            assertThat(ch.account(addr(PROVER)).balance()).isEqualTo(proverBefore.subtract(BigInteger.valueOf(gas * GAS_PRICE)));
            assertThat(ch.task(id).orElseThrow().disputes()).isEmpty();

            // The true proof of the corrupted MaxPool output.
            JobRecord job1 = ch.task(id).orElseThrow().jobs().get(1);
            BigInteger share = job1.workerReward().add(job1.pocReward()).add(job1.treasuryReward());
            WorkBond pocBond = ch.workBond(BondRole.POC_VALIDATOR, addr(POC)).orElseThrow();
            BigInteger customerBefore = ch.account(addr(CUSTOMER)).balance();
            proverBefore = ch.account(addr(PROVER)).balance();
            Supply before = ch.supply();
            Transaction proven = fraud(PROVER, id, 1, 2, POOL, entry, Claim.OUTPUT, wrong);
            Block pb = block(ch, proven);
            long h = pb.header().height();
            gas = ch.transaction(proven.hashHex()).orElseThrow().gasUsed();
            FraudProofTxTest.Slash x = FraudProofTxTest.Slash.of(share, pocBond.amount(), WORKER_BOND);
            assertThat(x.refund()).isEqualTo(share);
            assertThat(ch.workBond(BondRole.POC_VALIDATOR, addr(POC)).orElseThrow().amount())
                    .isEqualTo(pocBond.amount().subtract(x.pocTake()));
            assertThat(ch.workBond(BondRole.WORKER, addr(WORKER)).orElseThrow().amount())
                    .isEqualTo(WORKER_BOND.subtract(x.workerTake()));
            assertThat(ch.account(addr(CUSTOMER)).balance()).isEqualTo(customerBefore.add(share));
            assertThat(ch.account(addr(PROVER)).balance())
                    .isEqualTo(proverBefore.add(x.bounty()).subtract(BigInteger.valueOf(gas * GAS_PRICE)));
            Supply after = ch.supply();
            assertThat(after.balanced()).as("%s", after).isTrue();
            assertThat(after.total()).isEqualTo(before.total().add(Supply.minted(PARAMS, h))
                    .subtract(Supply.minted(PARAMS, h - 1)).subtract(x.burned()));
            JobDispute d = ch.task(id).orElseThrow().disputes().get(0);
            assertThat(d).isEqualTo(new JobDispute(id, 1, 2, entry, POOL, "output", wrong[at], truth, addr(PROVER), h,
                    proven.hashHex(), x.pocTake(), x.workerTake(), share, x.bounty(), x.burned()));
            assertThat(JobDispute.decode(d.encode())).isEqualTo(d);

            // The job is disputed once.
            assertThat(MarketTest.rejected(ch.submit(fraud(OTHER, id, 1, 2, POOL, entry, Claim.OUTPUT, wrong))))
                    .contains("job 1 of task " + id + " was already proven wrong by " + proven.hashHex(),
                            "(output " + entry + " of layer " + POOL + " of sample 2)");
        }
    }
}
