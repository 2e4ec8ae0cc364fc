package org.cpc.protocol.gas;

import com.fasterxml.jackson.databind.JsonNode;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * What a transaction costs in gas (protocol.md, "Transactions"): every gas constant of the protocol and the pure
 * function transaction → gas. It lives here, beside the transaction itself, so that the chain charging a transaction
 * and a client pricing one run the same code, and a client needs nothing of the chain (no RocksDB) to do it.
 *
 * <p>A SUBMIT_RESULT costs more when it is a synthetic result (its proof is verified on chain) than when it is a
 * market job result (a PoC validator verified it off chain). Which one it is depends on state, so {@link #gas} takes
 * it as an argument; {@link #intrinsicGas} is the synthetic price, the most a SUBMIT_RESULT can cost, which is what a
 * sender offers as its gas limit.
 */
public final class GasSchedule {
    public static final long TRANSFER_GAS = 21_000;
    public static final long SUBMIT_RESULT_GAS = 80_000;
    /** Gas of a market job result: the base only, the PoC validator verified the work off-chain. */
    public static final long MARKET_RESULT_GAS = SUBMIT_RESULT_GAS;
    public static final long CREATE_TASK_GAS = 60_000;
    /** Per byte of the JCS of a CREATE_TASK's payload. */
    public static final long CREATE_TASK_GAS_PER_BYTE = 16;
    public static final long CANCEL_TASK_GAS = 30_000;
    /**
     * One ML-DSA-65 verification (about 0.2 ms on the reference core): priced at the synthetic proofs' rate, where
     * 30,000 gas buys about 0.067 ms of verification.
     */
    public static final long ML_DSA_VERIFY_GAS = 100_000;
    /** Base gas of the staking transactions that move a bond (STAKE, UNSTAKE, DELEGATE, UNDELEGATE). */
    public static final long BOND_GAS = 50_000;
    public static final long WITHDRAW_REWARDS_GAS = 40_000;
    public static final long UPDATE_VALIDATOR_GAS = 30_000;
    public static final long UNJAIL_GAS = 30_000;
    public static final long SUBMIT_EVIDENCE_GAS = 50_000;
    /** Base gas of BOND and UNBOND (a work bond's record and, for UNBOND, the unbonding queue). */
    public static final long WORK_BOND_GAS = 50_000;
    /** Per byte of the JCS of a staking or bond transaction's payload (STAKE, UPDATE_VALIDATOR, SUBMIT_EVIDENCE,
     * BOND, UNBOND). */
    public static final long PAYLOAD_GAS_PER_BYTE = 16;
    /**
     * Base gas of a FRAUD_PROOF: its verification (three audit paths, one chunk and two k-byte leaves hashed, one
     * dot product; about 65 µs at the largest k, docs/performance.md) at the synthetic proofs' rate, plus the state
     * it reads and the two slashes it may write. Its data are paid per hex character on top.
     */
    public static final long FRAUD_PROOF_GAS = 100_000;
    /**
     * Per hex character of a FRAUD_PROOF's data: {@code a_row}, {@code b_col}, {@code c_chunk}, and 64 per hash of its
     * four paths (an inference proof: its header, unit and chunks, and 64 per hash of every path). Counted from the payload's fields rather than its JCS, which a node would otherwise write out
     * (about 75 KB at the largest k) each time it prices the transaction.
     */
    public static final long FRAUD_PROOF_GAS_PER_HEX = 16;
    /** Base gas of CHALLENGE_RESULT, besides the full recomputation it pays for ({@link #syntheticAuditGas}). */
    public static final long CHALLENGE_RESULT_GAS = 50_000;

    private GasSchedule() {}

    /** Proof-verification gas of a synthetic result: ceil(k·n² / 2^20) × synthetic_verify_gas_per_mmac. */
    public static long syntheticProofGas(NetworkParams p) {
        long n = p.syntheticMatrixSize();
        return macGas(Math.multiplyExact((long) p.syntheticSpotChecks(), n * n), p);
    }

    /**
     * Gas of a full audit of a synthetic result (all of C recomputed and committed): ceil(n³ / 2^20) ×
     * synthetic_verify_gas_per_mmac, the synthetic proofs' rate, which prices the pure-Java reference path.
     */
    public static long syntheticAuditGas(NetworkParams p) {
        long n = p.syntheticMatrixSize();
        return macGas(Math.multiplyExact(n * n, n), p);
    }

    /** ceil(macs / 2^20) × synthetic_verify_gas_per_mmac: the one rate of exact int8 arithmetic on chain. */
    private static long macGas(long macs, NetworkParams p) {
        long units = (macs + (1L << 20) - 1) >>> 20;
        return Math.multiplyExact(units, p.syntheticVerifyGasPerMmac());
    }

    /** The gas of a synthetic result: the base plus its proof-verification gas. */
    public static long syntheticResultGas(NetworkParams p) {
        return Math.addExact(SUBMIT_RESULT_GAS, syntheticProofGas(p));
    }

    /**
     * The gas of a transaction of {@code type} carrying {@code payload}, a SUBMIT_RESULT priced as a synthetic result
     * (base + proof-verification gas). Takes the parts rather than a transaction so that a builder can price a
     * transaction before it exists, and build and sign it once.
     */
    public static long intrinsicGas(TxType type, JsonNode payload, NetworkParams p) {
        return gas(type, payload, p, false);
    }

    /** {@link #intrinsicGas(TxType, JsonNode, NetworkParams)} of {@code tx}. */
    public static long intrinsicGas(Transaction tx, NetworkParams p) {
        return gas(tx.txType(), tx.payload(), p, false);
    }

    /** The gas a transaction uses; {@code marketResult}: a SUBMIT_RESULT whose task_id names a market task. */
    public static long gas(Transaction tx, NetworkParams p, boolean marketResult) {
        return gas(tx.txType(), tx.payload(), p, marketResult);
    }

    /** The least gas a transaction can use whatever the state: a SUBMIT_RESULT may be a market result. */
    public static long minimumGas(Transaction tx, NetworkParams p) {
        return gas(tx, p, tx.txType() == TxType.SUBMIT_RESULT);
    }

    private static long gas(TxType type, JsonNode payload, NetworkParams p, boolean marketResult) {
        return switch (type) {
            case TRANSFER -> TRANSFER_GAS;
            case SUBMIT_RESULT -> marketResult ? MARKET_RESULT_GAS : syntheticResultGas(p);
            case CREATE_TASK -> Math.addExact(CREATE_TASK_GAS,
                    Math.multiplyExact(CREATE_TASK_GAS_PER_BYTE, Jcs.canonicalize(payload).length));
            case CANCEL_TASK -> CANCEL_TASK_GAS;
            // A STAKE with a non-empty payload creates a validator and verifies its proof of possession.
            case STAKE -> Math.addExact(BOND_GAS + (payload.isEmpty() ? 0 : ML_DSA_VERIFY_GAS), payloadGas(payload));
            case UNSTAKE, DELEGATE, UNDELEGATE -> BOND_GAS;
            case WITHDRAW_REWARDS -> WITHDRAW_REWARDS_GAS;
            case UPDATE_VALIDATOR -> Math.addExact(UPDATE_VALIDATOR_GAS, payloadGas(payload));
            case UNJAIL -> UNJAIL_GAS;
            case SUBMIT_EVIDENCE -> Math.addExact(SUBMIT_EVIDENCE_GAS + 2 * ML_DSA_VERIFY_GAS, payloadGas(payload));
            case BOND, UNBOND -> Math.addExact(WORK_BOND_GAS, payloadGas(payload));
            case FRAUD_PROOF -> Math.addExact(FRAUD_PROOF_GAS, Math.multiplyExact(FRAUD_PROOF_GAS_PER_HEX,
                    fraudProofHex(payload)));
            case CHALLENGE_RESULT -> Math.addExact(CHALLENGE_RESULT_GAS, syntheticAuditGas(p));
        };
    }

    /**
     * The hex characters of a fraud proof's data and paths, of either form (matmul: a_row, b_col, c_chunk and four
     * paths; inference: layer_header, unit, the chunks of input, acc and act, and every path); fields that are absent
     * or not of their type count 0.
     */
    private static long fraudProofHex(JsonNode p) {
        long hex = 0;
        for (String f : new String[] {"a_row", "b_col", "c_chunk", "layer_header", "unit"}) {
            hex += text(p.path(f));
        }
        for (String f : new String[] {"a_path", "b_path", "chunk_path", "row_path", "header_path", "unit_path"}) {
            hex += hashes(p.path(f));
        }
        for (String f : new String[] {"input", "acc", "act"}) {
            JsonNode o = p.path(f);
            hex += hashes(o.path("path"));
            for (JsonNode c : o.path("chunks")) hex += text(c.path("bytes")) + hashes(c.path("path"));
        }
        return hex;
    }

    private static long text(JsonNode n) {
        return n.isTextual() ? n.textValue().length() : 0;
    }

    private static long hashes(JsonNode n) {
        return n.isArray() ? 64L * n.size() : 0;
    }

    private static long payloadGas(JsonNode payload) {
        return Math.multiplyExact(PAYLOAD_GAS_PER_BYTE, Jcs.canonicalize(payload).length);
    }
}
