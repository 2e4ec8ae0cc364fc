package org.cpc.chain.exec;

import java.math.BigInteger;
import java.util.regex.Pattern;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/** The rules of a transaction that need no state: gas, form, fee, and the signature. Pure functions. */
public final class TxRules {
    public static final long TRANSFER_GAS = 21_000;
    public static final long SUBMIT_RESULT_GAS = 80_000;
    public static final long CREATE_TASK_GAS = 60_000;
    public static final long CREATE_TASK_GAS_PER_BYTE = 16;
    public static final long CANCEL_TASK_GAS = 30_000;

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** secp256k1 n / 2: a signature's S must not exceed it. */
    private static final BigInteger HALF_N =
            new BigInteger("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", 16);

    private TxRules() {}

    /** Proof-verification gas of a synthetic result: ceil(k·n² / 2^20) × synthetic_verify_gas_per_mmac. */
    public static long syntheticProofGas(NetworkParams p) {
        long n = p.syntheticMatrixSize();
        long macs = Math.multiplyExact((long) p.syntheticSpotChecks(), n * n);
        long units = (macs + (1L << 20) - 1) >>> 20;
        return Math.multiplyExact(units, p.syntheticVerifyGasPerMmac());
    }

    /** The gas a transaction uses (protocol v1: its intrinsic gas; every SUBMIT_RESULT is a synthetic result). */
    public static long intrinsicGas(Transaction tx, NetworkParams p) {
        return switch (tx.txType()) {
            case TRANSFER -> TRANSFER_GAS;
            case SUBMIT_RESULT -> Math.addExact(SUBMIT_RESULT_GAS, syntheticProofGas(p));
            case CREATE_TASK -> Math.addExact(CREATE_TASK_GAS,
                    Math.multiplyExact(CREATE_TASK_GAS_PER_BYTE, Jcs.canonicalize(tx.payload()).length));
            case CANCEL_TASK -> CANCEL_TASK_GAS;
        };
    }

    /** Largest proof of a synthetic result: k audit paths of at most ceil(log2 n) hashes of 32 bytes. */
    public static long maxProofBytes(NetworkParams p) {
        int n = p.syntheticMatrixSize();
        int depth = 64 - Long.numberOfLeadingZeros(n - 1L);
        return (long) p.syntheticSpotChecks() * depth * 32;
    }

    /** Every rule that needs neither state nor a signature check; cheapest first. Returns the parsed result. */
    public static ComputeResult checkStateless(PreparedTx p, NetworkParams params) throws TxRejected {
        Transaction tx = p.tx();
        if (!tx.chainId().equals(params.chainId())) {
            throw new TxRejected("transaction for chain " + tx.chainId() + " sent to " + params.chainId());
        }
        if (tx.txType() == TxType.CREATE_TASK || tx.txType() == TxType.CANCEL_TASK) {
            throw new TxRejected("tx_type " + tx.txType() + " is not enabled in this version of the chain"
                    + " (market tasks come with a later protocol upgrade)");
        }
        if (p.size() > params.maxTxBytes()) {
            throw new TxRejected("transaction is " + p.size() + " bytes, above max_tx_bytes " + params.maxTxBytes());
        }
        if (tx.gasPrice() < params.minGasPrice()) {
            throw new TxRejected("gas_price " + tx.gasPrice() + " is below the minimum " + params.minGasPrice());
        }
        BigInteger expectedFee = BigInteger.valueOf(tx.gasLimit()).multiply(BigInteger.valueOf(tx.gasPrice()));
        if (!tx.fee().equals(expectedFee)) {
            throw new TxRejected("fee " + tx.fee() + " != gas_limit " + tx.gasLimit() + " × gas_price " + tx.gasPrice()
                    + " (= " + expectedFee + ")");
        }
        long gas = intrinsicGas(tx, params);
        if (tx.gasLimit() < gas) {
            throw new TxRejected("gas_limit " + tx.gasLimit() + " is below the intrinsic gas " + gas + " of "
                    + tx.txType());
        }
        if (!Address.isAccount(tx.fromAddress())) {
            throw new TxRejected("from_address '" + tx.fromAddress() + "' is not a valid cpc address");
        }
        ComputeResult result = null;
        switch (tx.txType()) {
            case TRANSFER -> {
                if (tx.toAddress() == null) throw new TxRejected("TRANSFER needs a to_address");
                if (!Address.isAccount(tx.toAddress())) {
                    throw new TxRejected("to_address '" + tx.toAddress() + "' is not a valid cpc address");
                }
            }
            case SUBMIT_RESULT -> {
                if (tx.amount().signum() != 0) {
                    throw new TxRejected("SUBMIT_RESULT must carry amount 0, got " + tx.amount());
                }
                result = checkResultStructure(tx, params);
            }
            default -> throw new AssertionError();
        }
        return result;
    }

    /** The seed's structural validation of a ComputeResult, plus worker_address == from_address. */
    public static ComputeResult checkResultStructure(Transaction tx, NetworkParams params) throws TxRejected {
        ComputeResult r;
        try {
            r = ComputeResult.fromJson(tx.payload());
        } catch (IllegalArgumentException e) {
            throw new TxRejected("SUBMIT_RESULT payload is not a valid ComputeResult: " + e.getMessage());
        }
        if (!UUID.matcher(r.taskId()).matches()) {
            throw new TxRejected("ComputeResult.task_id '" + r.taskId() + "' is not a lowercase UUID");
        }
        if (!Address.isAccount(r.workerAddress())) {
            throw new TxRejected("ComputeResult.worker_address '" + r.workerAddress() + "' is not a valid cpc address");
        }
        if (!r.workerAddress().equals(tx.fromAddress())) {
            throw new TxRejected("ComputeResult.worker_address " + r.workerAddress() + " does not match from_address "
                    + tx.fromAddress());
        }
        if (r.resultHash().length() != 64 || !Hex.isHex(r.resultHash())) {
            throw new TxRejected("ComputeResult.result_hash must be 32 bytes as 64 lowercase hex characters");
        }
        if (r.nonce() == null) {
            throw new TxRejected("ComputeResult.nonce (the height of the block the synthetic task came from) is missing");
        }
        if (r.proof() == null) throw new TxRejected("ComputeResult.proof is missing");
        long max = maxProofBytes(params);
        if (!Hex.isHex(r.proof()) || r.proof().length() % 64 != 0) {
            throw new TxRejected("ComputeResult.proof must be lowercase hex of whole 32-byte hashes");
        }
        if (r.proof().length() / 2 > max) {
            throw new TxRejected("ComputeResult.proof is " + r.proof().length() / 2 + " bytes, above the bound " + max
                    + " (spot checks × tree depth × 32)");
        }
        if (r.signature() != null && (r.signature().length() != 130 || !Hex.isHex(r.signature()))) {
            throw new TxRejected("ComputeResult.signature must be 65 bytes as 130 lowercase hex characters, or null");
        }
        return r;
    }

    /** The signature rules: 33-byte key, from_address = address(pub_key), 64-byte low-S r‖s over the hash. */
    public static void checkSignature(PreparedTx p) throws TxRejected {
        Transaction tx = p.tx();
        if (tx.pubKey().length() != 66 || !Hex.isHex(tx.pubKey())) {
            throw new TxRejected("pub_key must be a 33-byte compressed secp256k1 key as 66 lowercase hex characters");
        }
        byte[] pub = Hex.decode(tx.pubKey());
        if (!Address.account(pub).equals(tx.fromAddress())) {
            throw new TxRejected("from_address " + tx.fromAddress() + " is not the address of pub_key ("
                    + Address.account(pub) + ")");
        }
        String sig = tx.signature();
        if (sig == null) throw new TxRejected("transaction is not signed");
        if (sig.length() != 128 || !Hex.isHex(sig)) {
            throw new TxRejected("signature must be 64 bytes r‖s as 128 lowercase hex characters");
        }
        byte[] s = Hex.decode(sig);
        if (new BigInteger(1, java.util.Arrays.copyOfRange(s, 32, 64)).compareTo(HALF_N) > 0) {
            throw new TxRejected("signature has a high S value; use low-S signatures");
        }
        if (!Secp256k1.get().verify(pub, p.hash(), s)) {
            throw new TxRejected("signature does not verify against pub_key over the transaction hash");
        }
    }
}
