package org.cpc.chain.staking;

import java.math.BigInteger;
import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/** The stateless rules of the staking transactions: who they name, their amount and their payload. Pure. */
public final class StakingRules {
    private StakingRules() {}

    /** Checks a staking transaction's form; returns what its payload says (null for a {@code {}} payload). */
    public static StakingPayload check(Transaction tx) throws TxRejected {
        TxType t = tx.txType();
        switch (t) {
            case STAKE, UNSTAKE, UPDATE_VALIDATOR, UNJAIL, SUBMIT_EVIDENCE -> noRecipient(tx);
            case DELEGATE, UNDELEGATE -> {
                if (tx.toAddress() == null || !Address.isAccount(tx.toAddress())) {
                    throw new TxRejected(t + " needs to_address = the validator's operator address (cpc1...)");
                }
                if (tx.toAddress().equals(tx.fromAddress())) {
                    throw new TxRejected(t + " to your own validator is " + (t == TxType.DELEGATE ? "STAKE" : "UNSTAKE"));
                }
            }
            case WITHDRAW_REWARDS -> {
                if (tx.toAddress() != null && !Address.isAccount(tx.toAddress())) {
                    throw new TxRejected("WITHDRAW_REWARDS to_address must be a validator's operator address or null"
                            + " (all validators)");
                }
            }
            default -> throw new IllegalArgumentException(t + " is not a staking transaction");
        }
        switch (t) {
            case STAKE, UNSTAKE, DELEGATE, UNDELEGATE -> {
                if (tx.amount().signum() <= 0) throw new TxRejected(t + " must carry an amount above 0 wei");
            }
            default -> {
                if (tx.amount().signum() != 0) throw new TxRejected(t + " must carry amount 0, got " + tx.amount());
            }
        }
        return switch (t) {
            case STAKE -> tx.payload().isEmpty() ? null : StakingPayload.createValidator(tx.payload());
            case UPDATE_VALIDATOR -> StakingPayload.updateValidator(tx.payload());
            case SUBMIT_EVIDENCE -> StakingPayload.evidence(tx.payload());
            default -> {
                if (!tx.payload().isEmpty()) throw new TxRejected(t + " carries the payload {}");
                yield null;
            }
        };
    }

    /** Whether a transaction type is one of staking's. */
    public static boolean isStaking(TxType t) {
        return switch (t) {
            case TRANSFER, SUBMIT_RESULT, CREATE_TASK, CANCEL_TASK, BOND, UNBOND, FRAUD_PROOF, CHALLENGE_RESULT -> false;
            default -> true;
        };
    }

    /**
     * What a transaction takes from the sender's balance besides its fee: its amount, except for UNSTAKE,
     * UNDELEGATE and UNBOND, whose amount is the bond to unbond.
     */
    public static BigInteger spent(Transaction tx) {
        return switch (tx.txType()) {
            case UNSTAKE, UNDELEGATE, UNBOND -> BigInteger.ZERO;
            default -> tx.amount();
        };
    }

    private static void noRecipient(Transaction tx) throws TxRejected {
        if (tx.toAddress() != null) throw new TxRejected(tx.txType() + " must have to_address null");
    }
}
