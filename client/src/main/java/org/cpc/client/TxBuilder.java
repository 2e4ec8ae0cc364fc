package org.cpc.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Objects;
import java.util.OptionalLong;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Builds the signed transactions of one account on one network, priced as the chain prices them:
 *
 * <pre>{@code
 * Transaction tx = TxBuilder.of(params, key).nonce(7).timestamp(nowSeconds).transfer(to, amountWei);
 * }</pre>
 *
 * <p>gas_limit is the transaction's intrinsic gas ({@link GasSchedule}) unless {@link #gasLimit(long)} sets more;
 * fee = gas_limit × gas_price, as the chain requires. The gas is known before the transaction is built, so each one
 * is built, hashed and signed once. Unset, the nonce and the timestamp are 0 and the gas price is the network's
 * minimum.
 *
 * <p>Immutable: {@link #nonce}, {@link #timestamp}, {@link #gasPrice} and {@link #gasLimit} return a new builder, so
 * one builder can be kept and reused.
 *
 * @param gasLimit empty: the intrinsic gas of each transaction
 */
public record TxBuilder(NetworkParams params, AccountKey key, long nonce, long timestamp, long gasPrice,
                        OptionalLong gasLimit) {
    public TxBuilder {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(gasLimit, "gasLimit");
    }

    /** Transactions of {@code key} on the network {@code params}: nonce 0, timestamp 0, the minimum gas price. */
    public static TxBuilder of(NetworkParams params, AccountKey key) {
        return new TxBuilder(params, key, 0, 0, params.minGasPrice(), OptionalLong.empty());
    }

    /** The sender account's nonce of the transaction. */
    public TxBuilder nonce(long nonce) {
        return new TxBuilder(params, key, nonce, timestamp, gasPrice, gasLimit);
    }

    /** Unix seconds; informative only. */
    public TxBuilder timestamp(long unixSeconds) {
        return new TxBuilder(params, key, nonce, unixSeconds, gasPrice, gasLimit);
    }

    /** Wei per gas; the chain refuses less than the network's min_gas_price. */
    public TxBuilder gasPrice(long wei) {
        return new TxBuilder(params, key, nonce, timestamp, wei, gasLimit);
    }

    /** A gas limit other than the intrinsic gas; the sender pays for the gas used, not for this limit. */
    public TxBuilder gasLimit(long gas) {
        return new TxBuilder(params, key, nonce, timestamp, gasPrice, OptionalLong.of(gas));
    }

    /** A TRANSFER of {@code amountWei} to {@code to}. */
    public Transaction transfer(String to, BigInteger amountWei) {
        return sign(TxType.TRANSFER, to, amountWei, Json.object());
    }

    /** A SUBMIT_RESULT carrying {@code result}; priced as a synthetic result, the most a result can cost. */
    public Transaction submitResult(ComputeResult result) {
        return sign(TxType.SUBMIT_RESULT, null, BigInteger.ZERO, result.toJson());
    }

    /** A CREATE_TASK publishing {@code task}; it escrows the task's reward as the amount. */
    public Transaction createTask(ComputeTask task) {
        return sign(TxType.CREATE_TASK, null, task.reward(), task.toJson());
    }

    /** A CANCEL_TASK of the task {@code taskId}, which this account created. */
    public Transaction cancelTask(String taskId) {
        return sign(TxType.CANCEL_TASK, null, BigInteger.ZERO, Json.object().put("task_id", taskId));
    }

    private Transaction sign(TxType type, String to, BigInteger amount, ObjectNode payload) {
        long gas = gasLimit.orElseGet(() -> GasSchedule.intrinsicGas(type, payload, params));
        BigInteger fee = BigInteger.valueOf(gas).multiply(BigInteger.valueOf(gasPrice));
        Transaction unsigned = new Transaction(params.chainId(), type, key.address(), to, amount, fee, nonce, gasPrice,
                gas, timestamp, Hex.encode(key.publicKey()), payload, null);
        return unsigned.withSignature(Hex.encode(key.sign(unsigned.hash())));
    }
}
