package org.cpc.protocol.types;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Transaction types. The set is closed per protocol version: a node refuses a type it does not know rather than
 * guess what it does. Their gas and execution live in the chain module.
 */
public enum TxType {
    TRANSFER,
    SUBMIT_RESULT,
    CREATE_TASK,
    CANCEL_TASK,
    /** Bonds {@code amount} to the sender's own validator; the first one creates the validator. */
    STAKE,
    /** Starts unbonding {@code amount} of the sender's self-bond. */
    UNSTAKE,
    /** Bonds {@code amount} to the validator whose operator is {@code to_address}. */
    DELEGATE,
    /** Starts unbonding {@code amount} of the sender's delegation to {@code to_address}. */
    UNDELEGATE,
    /** Pays the sender's accrued staking rewards (from {@code to_address}'s validator, or from all when null). */
    WITHDRAW_REWARDS,
    /** Changes the sender's validator's name, website or commission. */
    UPDATE_VALIDATOR,
    /** Takes the sender's validator out of jail once its jail time is over. */
    UNJAIL,
    /** Reports two conflicting signed votes of one validator (a double sign). */
    SUBMIT_EVIDENCE,
    /** Adds {@code amount} to the sender's work bond as a worker or a PoC validator (payload {@code {"role",...}}). */
    BOND,
    /** Starts unbonding {@code amount} of the sender's work bond of {@code payload.role}. */
    UNBOND,
    /** Proves one entry of a market matmul job's committed output wrong: slashes, refunds, pays a bounty. */
    FRAUD_PROOF,
    /** Forces a full audit of the synthetic result of {@code payload.task_id} within {@code challenge_window}. */
    CHALLENGE_RESULT;

    public static TxType parse(String s) {
        for (TxType t : values()) if (t.name().equals(s)) return t;
        throw new IllegalArgumentException("unknown tx_type '" + s + "'; known types: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
