package org.cpc.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Objects;
import java.util.OptionalLong;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.ValidatorKey;
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

    /**
     * Forces a full audit of the synthetic result of {@code taskId} (within {@code challenge_window} blocks of its
     * inclusion); its gas pays for the recomputation, and a wrong result pays the sender a bounty.
     */
    public Transaction challengeResult(String taskId) {
        return sign(TxType.CHALLENGE_RESULT, null, BigInteger.ZERO, Json.object().put("task_id", taskId));
    }

    /** The domain of a first STAKE's proof of possession (docs/protocol.md, "Staking"). */
    public static final String POP_DOMAIN = "cpc/stake/pop/v1";

    /**
     * The sender's first STAKE: creates its validator with consensus key {@code consensusKey}, bonding
     * {@code amountWei} (at least the network's min_self_bond). The payload carries the key and its proof of
     * possession, the key's signature of the JCS of {chain_id, domain, operator_address}.
     */
    public Transaction createValidator(BigInteger amountWei, ValidatorKey consensusKey, String name, String website,
                                       int commissionBps) {
        ObjectNode payload = Json.object();
        payload.put("consensus_public_key", Hex.encode(consensusKey.publicKey()));
        payload.put("pop", Hex.encode(consensusKey.sign(proofOfPossessionMessage(params.chainId(), key.address()))));
        payload.put("name", name);
        payload.put("website", website);
        payload.put("commission_bps", commissionBps);
        return sign(TxType.STAKE, null, amountWei, payload);
    }

    /** The bytes a consensus key signs to prove that operator {@code operator} holds it. */
    public static byte[] proofOfPossessionMessage(String chainId, String operator) {
        ObjectNode o = Json.object();
        o.put("chain_id", chainId);
        o.put("domain", POP_DOMAIN);
        o.put("operator_address", operator);
        return Jcs.canonicalize(o);
    }

    /** A later STAKE: adds {@code amountWei} to the sender's self-bond. */
    public Transaction stake(BigInteger amountWei) {
        return sign(TxType.STAKE, null, amountWei, Json.object());
    }

    /** An UNSTAKE of {@code amountWei} of the sender's self-bond: it comes back after unbonding_blocks. */
    public Transaction unstake(BigInteger amountWei) {
        return sign(TxType.UNSTAKE, null, amountWei, Json.object());
    }

    /** A DELEGATE of {@code amountWei} to the validator operated by {@code operator}. */
    public Transaction delegate(String operator, BigInteger amountWei) {
        return sign(TxType.DELEGATE, operator, amountWei, Json.object());
    }

    /** An UNDELEGATE of {@code amountWei} from the validator operated by {@code operator}. */
    public Transaction undelegate(String operator, BigInteger amountWei) {
        return sign(TxType.UNDELEGATE, operator, amountWei, Json.object());
    }

    /** A WITHDRAW_REWARDS from the bond with {@code operator}, or from all the sender's bonds when it is null. */
    public Transaction withdrawRewards(String operator) {
        return sign(TxType.WITHDRAW_REWARDS, operator, BigInteger.ZERO, Json.object());
    }

    /**
     * An UPDATE_VALIDATOR of the sender's validator; null leaves a field as it is, and at least one must be set.
     */
    public Transaction updateValidator(String name, String website, Integer commissionBps) {
        ObjectNode payload = Json.object();
        if (name != null) payload.put("name", name);
        if (website != null) payload.put("website", website);
        if (commissionBps != null) payload.put("commission_bps", commissionBps);
        if (payload.isEmpty()) throw new IllegalArgumentException("an UPDATE_VALIDATOR changes name, website or commission_bps");
        return sign(TxType.UPDATE_VALIDATOR, null, BigInteger.ZERO, payload);
    }

    /** An UNJAIL of the sender's validator. */
    public Transaction unjail() {
        return sign(TxType.UNJAIL, null, BigInteger.ZERO, Json.object());
    }

    /** A worker's BOND of {@code amountWei}: {@code {"role":"worker"}}. */
    public Transaction bondWorker(BigInteger amountWei) {
        return sign(TxType.BOND, null, amountWei, Json.object().put("role", "worker"));
    }

    /**
     * A PoC validator's BOND of {@code amountWei} (0 when it only moves its listing): its Task Market's base URL
     * {@code endpoint} and {@code name} ("" for none).
     */
    public Transaction bondPoc(BigInteger amountWei, String endpoint, String name) {
        return sign(TxType.BOND, null, amountWei, Json.object().put("role", "poc_validator").put("endpoint", endpoint)
                .put("name", name));
    }

    /** An UNBOND of {@code amountWei} of the sender's {@code role} bond ("worker" or "poc_validator"). */
    public Transaction unbond(String role, BigInteger amountWei) {
        return sign(TxType.UNBOND, null, amountWei, Json.object().put("role", role));
    }

    /** A FRAUD_PROOF carrying {@code proof}, a fraud proof's JSON ({@code FraudProof.toJson}). */
    public Transaction fraudProof(ObjectNode proof) {
        return sign(TxType.FRAUD_PROOF, null, BigInteger.ZERO, proof);
    }

    private Transaction sign(TxType type, String to, BigInteger amount, ObjectNode payload) {
        long gas = gasLimit.orElseGet(() -> GasSchedule.intrinsicGas(type, payload, params));
        BigInteger fee = BigInteger.valueOf(gas).multiply(BigInteger.valueOf(gasPrice));
        Transaction unsigned = new Transaction(params.chainId(), type, key.address(), to, amount, fee, nonce, gasPrice,
                gas, timestamp, Hex.encode(key.publicKey()), payload, null);
        return unsigned.withSignature(Hex.encode(key.sign(unsigned.hash())));
    }
}
