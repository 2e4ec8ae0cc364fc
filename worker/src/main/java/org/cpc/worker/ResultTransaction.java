package org.cpc.worker;

import java.math.BigInteger;
import org.cpc.client.TxBuilder;
import org.cpc.compute.SyntheticResult;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;

/** Builds the signed SUBMIT_RESULT transaction that carries a synthetic result to L1. */
public final class ResultTransaction {
    private ResultTransaction() {}

    /**
     * The most a result costs its worker, in wei: its gas (base plus proof-verification gas, by the chain's own
     * {@link GasSchedule}) × min_gas_price.
     */
    public static BigInteger fee(NetworkParams params) {
        return BigInteger.valueOf(GasSchedule.syntheticResultGas(params)).multiply(BigInteger.valueOf(params.minGasPrice()));
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
        return TxBuilder.of(params, key).nonce(nonce).timestamp(timestampSeconds)
                .submitResult(payload(result, key.address()));
    }
}
