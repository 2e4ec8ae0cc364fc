package org.cpc.worker;

import java.math.BigInteger;
import org.cpc.compute.SyntheticResult;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/** Builds the signed SUBMIT_RESULT transaction that carries a synthetic result to L1. */
public final class ResultTransaction {
    private ResultTransaction() {}

    /**
     * Base gas plus proof-verification gas, computed by the chain's own gas schedule so the worker never offers
     * less than the L1 charges (the chain rejects a gas_limit below the intrinsic gas).
     */
    public static long gasLimit(NetworkParams params) {
        return Math.addExact(GasSchedule.SUBMIT_RESULT_GAS, GasSchedule.syntheticProofGas(params));
    }

    /** The most a result costs its worker, in wei: gas_limit × min_gas_price. */
    public static BigInteger fee(NetworkParams params) {
        return BigInteger.valueOf(gasLimit(params)).multiply(BigInteger.valueOf(params.minGasPrice()));
    }

    /** The ComputeResult payload: the worker's own result, unsigned (the transaction's signature covers it). */
    public static ComputeResult payload(SyntheticResult result, String workerAddress) {
        return new ComputeResult(result.taskId(), workerAddress, result.resultHash(), result.proof(), result.nonce(),
                null);
    }

    /**
     * The signed transaction: from the worker, to nobody, amount 0, paying the network's minimum gas price.
     *
     * @param nonce the worker account's next transaction nonce
     * @param timestampSeconds unix seconds
     */
    public static Transaction build(AccountKey key, NetworkParams params, SyntheticResult result, long nonce,
                                    long timestampSeconds) {
        long gasLimit = gasLimit(params);
        Transaction unsigned = new Transaction(params.chainId(), TxType.SUBMIT_RESULT, key.address(), null,
                BigInteger.ZERO, fee(params), nonce, params.minGasPrice(), gasLimit, timestampSeconds,
                Hex.encode(key.publicKey()), payload(result, key.address()).toJson(), null);
        return unsigned.withSignature(Hex.encode(key.sign(unsigned.hash())));
    }
}
