package org.cpc.chain.state;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.cpc.chain.Account;
import org.cpc.chain.WorkerStats;
import org.cpc.protocol.crypto.Sha256;

/**
 * The state's key space and value encodings. Every entry has a 256-bit tree key
 * {@code SHA-256(type ‖ UTF-8(id))}; the tree stores {@code SHA-256(value)} under it.
 *
 * <table>
 *   <caption>key spaces</caption>
 *   <tr><th>type</th><th>id</th><th>value</th></tr>
 *   <tr><td>0x01 account</td><td>{@code cpc1...} address</td><td>uint64_be(nonce) ‖ uint256_be(balance wei)
 *       (40 bytes); an account with nonce 0 and balance 0 is absent</td></tr>
 *   <tr><td>0x02 validator</td><td>{@code cpcvalcons1...} address</td><td>JCS of
 *       {address, public_key, reward_address, power}</td></tr>
 *   <tr><td>0x03 accepted result</td><td>task_id</td><td>uint64_be(height) ‖ tx hash (32)</td></tr>
 *   <tr><td>0x04 worker stats</td><td>{@code cpc1...} worker address</td><td>uint64_be(accepted results) ‖
 *       uint256_be(wei earned from block rewards and market jobs)</td></tr>
 *   <tr><td>0x05 market task</td><td>task_id</td><td>JCS of {@link org.cpc.chain.market.MarketTask#toJson}</td></tr>
 *   <tr><td>0x06 market job</td><td>task_id + "/" + decimal job index</td><td>JCS of
 *       {@link org.cpc.chain.market.JobRecord#toJson}</td></tr>
 *   <tr><td>0x07 market task payload</td><td>task_id</td><td>JCS of ComputeTask.payload (never changes)</td></tr>
 *   <tr><td>0x08 market role</td><td>"poc_validator:" + address, or "treasury"</td><td>JCS of
 *       {"role":"poc_validator"|"treasury","address"} (written at genesis)</td></tr>
 *   <tr><td>0x09–0x11 staking</td><td>see docs/protocol.md, "Staking"</td><td>JCS of the records of
 *       {@code org.cpc.chain.staking}</td></tr>
 *   <tr><td>0x20 work bond</td><td>role + ":" + address</td><td>JCS of
 *       {@link org.cpc.chain.staking.WorkBond#toJson}</td></tr>
 *   <tr><td>0x21 work unbonding queue</td><td>decimal maturity height</td><td>JCS of the array of work bond ids
 *       with an entry maturing then</td></tr>
 *   <tr><td>0x30 task settlement</td><td>task_id</td><td>JCS of {"last_settled_height"}: the height of the task's
 *       last accepted job, from which its dispute window is counted</td></tr>
 *   <tr><td>0x31 job dispute</td><td>task_id + "/" + decimal job index</td><td>JCS of
 *       {@link org.cpc.chain.market.JobDispute#toJson}: the FRAUD_PROOF that proved the job wrong</td></tr>
 *   <tr><td>0x32 dispute lock</td><td>role + ":" + address</td><td>JCS of {"deadline"}: the latest deadline of a
 *       market task whose job results the bond backs; no UNBOND before it</td></tr>
 *   <tr><td>0x33 result audit</td><td>task_id</td><td>JCS of
 *       {@link org.cpc.chain.audit.ResultAudit#toJson}</td></tr>
 *   <tr><td>0x34 audit candidates</td><td>decimal height</td><td>JCS of the array of the task_ids of that block's
 *       synthetic results, until their random selection two blocks later</td></tr>
 *   <tr><td>0x35 audit queue</td><td>"bounds", or decimal position</td><td>JCS of {"head","tail"}, or the UTF-8
 *       task_id queued at that position</td></tr>
 * </table>
 * The deadline index of open tasks is not state: it is derived from 0x05 and kept beside it (see ChainStore).
 */
public final class StateKeys {
    public static final byte ACCOUNT = 0x01, VALIDATOR = 0x02, RESULT = 0x03, WORKER = 0x04, TASK = 0x05, JOB = 0x06,
            TASK_PAYLOAD = 0x07, MARKET_ROLE = 0x08;
    /** Staking: validators by operator, consensus keys, delegations, F1 reward periods, unbonding entries and their
     * queue by maturity height, each account's stakes, liveness, and the global records (index, sets, issuance). */
    public static final byte STAKING_VALIDATOR = 0x09, CONSENSUS_KEY = 0x0a, DELEGATION = 0x0b, REWARD_PERIOD = 0x0c,
            UNBONDING = 0x0d, UNBONDING_QUEUE = 0x0e, STAKER = 0x0f, LIVENESS = 0x10, STAKING_GLOBAL = 0x11;
    /** Work bonds of workers and PoC validators, and their unbonding queue by maturity height. */
    public static final byte WORK_BOND = 0x20, WORK_UNBONDING_QUEUE = 0x21;
    /** Fraud proofs: each market task's last settlement, each proven-wrong job, each bond's dispute lock. */
    public static final byte TASK_SETTLEMENT = 0x30, JOB_DISPUTE = 0x31, DISPUTE_LOCK = 0x32;
    /** Audits of synthetic results: each result's audit record, the results of a block awaiting their random
     * selection, and the FIFO queue of selected results (org.cpc.chain.audit). */
    public static final byte RESULT_AUDIT = 0x33, AUDIT_CANDIDATES = 0x34, AUDIT_QUEUE = 0x35;

    private StateKeys() {}

    public static byte[] key(byte type, String id) {
        byte[] s = id.getBytes(StandardCharsets.UTF_8);
        byte[] in = new byte[s.length + 1];
        in[0] = type;
        System.arraycopy(s, 0, in, 1, s.length);
        return Sha256.hash(in);
    }

    public static byte[] job(String taskId, long job) {
        return key(JOB, taskId + "/" + job);
    }

    public static byte[] account(String address) {
        return key(ACCOUNT, address);
    }

    public static byte[] encodeAccount(Account a) {
        return countAndAmount(a.nonce(), a.balance());
    }

    public static Account decodeAccount(byte[] v) {
        if (v == null) return Account.EMPTY;
        return new Account(amountOf(v), getLong(v, 0));
    }

    public static byte[] encodeWorker(WorkerStats w) {
        return countAndAmount(w.accepted(), w.earned());
    }

    public static WorkerStats decodeWorker(byte[] v) {
        if (v == null) return WorkerStats.NONE;
        return new WorkerStats(getLong(v, 0), amountOf(v));
    }

    /** The 40-byte value of an account (nonce, balance) and of a worker (results, earnings): 8 + 32 bytes, big-endian. */
    private static byte[] countAndAmount(long count, BigInteger amount) {
        byte[] out = new byte[40];
        putLong(out, 0, count);
        putUint256(out, 8, amount);
        return out;
    }

    /** The amount of a {@link #countAndAmount} value. */
    private static BigInteger amountOf(byte[] v) {
        return new BigInteger(1, java.util.Arrays.copyOfRange(v, 8, 40));
    }

    public static byte[] encodeResult(long height, byte[] txHash) {
        byte[] out = new byte[40];
        putLong(out, 0, height);
        System.arraycopy(txHash, 0, out, 8, 32);
        return out;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    static void putUint256(byte[] b, int off, BigInteger v) {
        if (v.signum() < 0 || v.bitLength() > 256) throw new IllegalArgumentException("not a uint256: " + v);
        byte[] m = v.toByteArray();
        int len = m.length, start = 0;
        if (len > 32) { // leading sign byte
            start = len - 32;
            len = 32;
        }
        System.arraycopy(m, start, b, off + 32 - len, len);
    }
}
