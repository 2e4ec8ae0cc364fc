package org.cpc.chain;

import static org.cpc.chain.TestKit.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.TreeMap;
import org.cpc.chain.market.JobDigest;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/** Market-task transactions for tests: accounts 0..5 funded, account 5 the PoC validator, account 60 the treasury. */
final class MarketKit {
    static final int POC = 5;
    static final String TREASURY = addr(60);
    static final long GAS_PRICE = 1000;

    private MarketKit() {}

    static Genesis genesis(NetworkParams p) {
        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        for (int i = 0; i <= POC; i++) alloc.put(addr(i), Amounts.cpc(1000));
        return new Genesis(p, GENESIS_MS, alloc, List.of(validatorInfo(validatorKey(), addr(999))),
                List.of(addr(POC)), TREASURY).withBondsAllocated();
    }

    static Genesis genesis() {
        return genesis(PARAMS);
    }

    /** Unix seconds of block {@code height} as {@link TestKit#produce} makes them. */
    static long blockS(long height) {
        return (GENESIS_MS + 1000 * height) / 1000;
    }

    static String taskId(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    static ObjectNode computeTask(String id, BigInteger reward, long deadline, int jobs) {
        ObjectNode payload = Json.object().put("seed", "ab".repeat(32)).put("matrix_size", 8).put("iterations", jobs);
        ObjectNode o = Json.object();
        o.put("task_id", id);
        o.put("challenge_type", "synthetic");
        o.set("payload", payload);
        o.put("reward", reward.toString());
        o.put("deadline", deadline);
        return o;
    }

    /**
     * Built field by field rather than with the client's TxBuilder: these tests also send what the builder would not
     * make (a CREATE_TASK whose amount is not its reward, or whose payload is not a valid ComputeTask) and market job
     * results at their exact gas.
     */
    static Transaction tx(byte[] priv, TxType type, BigInteger amount, ObjectNode payload, long nonce, long gas) {
        Transaction t = new Transaction(PARAMS.chainId(), type, addr(priv), null, amount,
                BigInteger.valueOf(gas * GAS_PRICE), nonce, GAS_PRICE, gas, 1_700_000_000L, pub(priv), payload, null);
        return sign(t, priv);
    }

    static Transaction create(byte[] priv, ObjectNode task, BigInteger amount, long nonce) {
        return tx(priv, TxType.CREATE_TASK, amount, task, nonce, GasSchedule.intrinsicGas(TxType.CREATE_TASK, task, PARAMS));
    }

    static Transaction create(byte[] priv, String id, BigInteger reward, long deadline, int jobs, long nonce) {
        return create(priv, computeTask(id, reward, deadline, jobs), reward, nonce);
    }

    static Transaction cancel(byte[] priv, String id, long nonce) {
        return tx(priv, TxType.CANCEL_TASK, BigInteger.ZERO, Json.object().put("task_id", id), nonce,
                GasSchedule.CANCEL_TASK_GAS);
    }

    static String resultHash(String id, long job) {
        return org.cpc.protocol.codec.Hex.encode(org.cpc.protocol.crypto.Sha256.hash((id + job).getBytes()));
    }

    /**
     * A job result: the worker {@code workerPriv} signs; {@code attesterPriv} (or null) attests in proof; sent by
     * {@code senderPriv}.
     */
    static Transaction jobResult(byte[] senderPriv, byte[] workerPriv, String id, long job, byte[] attesterPriv,
                                 long nonce) {
        String worker = addr(workerPriv);
        String rh = resultHash(id, job);
        byte[] d = JobDigest.of(id, worker, rh, job);
        ComputeResult r = new ComputeResult(id, worker, rh, attesterPriv == null ? null : JobDigest.sign(attesterPriv, d),
                job, JobDigest.sign(workerPriv, d));
        return jobResult(senderPriv, r, nonce);
    }

    static Transaction jobResult(byte[] senderPriv, ComputeResult r, long nonce) {
        return tx(senderPriv, TxType.SUBMIT_RESULT, BigInteger.ZERO, r.toJson(), nonce, GasSchedule.MARKET_RESULT_GAS);
    }

    /** Submits {@code txs} (each must be admitted), produces the next block and checks it holds all of them. */
    static org.cpc.protocol.types.Block block(LocalChain ch, java.security.PrivateKey vkey, Transaction... txs)
            throws Exception {
        for (Transaction t : txs) MarketTest.accepted(ch.submit(t));
        org.cpc.protocol.types.Block blk = produce(ch, vkey);
        org.assertj.core.api.Assertions.assertThat(blk.transactions()).hasSize(txs.length);
        return blk;
    }

    static BigInteger fee(Transaction t) {
        return t.fee();
    }
}
