package org.cpc.chain.exec;

import java.math.BigInteger;
import org.cpc.chain.staking.ConsensusKey;
import org.cpc.chain.staking.Staking;
import org.cpc.chain.staking.StakingPayload;
import org.cpc.protocol.types.Transaction;

/**
 * A staking transaction's stateful rules and its effect, side by side for each type, so that the two cannot drift
 * apart: {@link #check} runs when the transaction is planned (against any state, changing nothing) and returns its
 * costly check, run after the signature (the proof of possession of a first STAKE, the vote signatures of a
 * SUBMIT_EVIDENCE), or null; {@link #apply} runs in the block once every rule passed, so nothing there is refused.
 */
record StakingTx(Check check, Effect apply) {
    /** The rules of the transaction against {@code staking}; the answer is its costly check, or null. */
    @FunctionalInterface
    interface Check {
        BlockExecutor.CostlyCheck against(Staking staking) throws TxRejected;
    }

    /** What the transaction does to {@code staking}. */
    @FunctionalInterface
    interface Effect {
        void on(Staking staking) throws TxRejected;
    }

    /** The rules with no costly check beyond the signature. */
    @FunctionalInterface
    private interface Rule {
        void check(Staking staking) throws TxRejected;
    }

    private static StakingTx simple(Rule rule, Effect effect) {
        return new StakingTx(s -> {
            rule.check(s);
            return null;
        }, effect);
    }

    /**
     * The rules and effect of a staking transaction of {@code tx}'s type with the decoded {@code payload}, at block
     * {@code height} of chain {@code chainId} (what the signatures of a STAKE's pop and a SUBMIT_EVIDENCE's votes
     * cover).
     */
    static StakingTx of(Transaction tx, StakingPayload payload, long height, String chainId) {
        String from = tx.fromAddress();
        BigInteger amount = tx.amount();
        return switch (tx.txType()) {
            case STAKE -> payload instanceof StakingPayload.CreateValidator cv
                    ? new StakingTx(s -> {
                        s.checkCreate(from, cv.consensusAddress(), amount);
                        return () -> {
                            if (!cv.popVerifies(chainId, from)) {
                                throw new TxRejected("pop is not the consensus key's ML-DSA-65 signature of the JCS of"
                                        + " {\"chain_id\",\"domain\":\"" + StakingPayload.POP_DOMAIN
                                        + "\",\"operator_address\"}");
                            }
                        };
                    }, s -> s.createValidator(from, new ConsensusKey(cv.consensusAddress(), from, cv.consensusPublicKey()),
                            cv.name(), cv.website(), cv.commissionBps(), amount, height))
                    : simple(s -> s.checkBond(from, from, amount), s -> s.bond(from, from, amount));
            case UNSTAKE -> simple(s -> s.checkUnbond(from, from, amount), s -> s.unbond(from, from, amount, height));
            case DELEGATE -> simple(s -> s.checkBond(tx.toAddress(), from, amount), s -> s.bond(tx.toAddress(), from, amount));
            case UNDELEGATE -> simple(s -> s.checkUnbond(tx.toAddress(), from, amount),
                    s -> s.unbond(tx.toAddress(), from, amount, height));
            case WITHDRAW_REWARDS -> tx.toAddress() == null
                    ? simple(s -> s.checkWithdrawAll(from), s -> s.withdrawAll(from))
                    : simple(s -> s.checkWithdraw(tx.toAddress(), from), s -> s.withdraw(tx.toAddress(), from));
            case UPDATE_VALIDATOR -> {
                StakingPayload.UpdateValidator u = (StakingPayload.UpdateValidator) payload;
                yield simple(s -> s.checkUpdate(from, u.name(), u.website(), u.commissionBps(), height),
                        s -> s.updateValidator(from, u.name(), u.website(), u.commissionBps(), height));
            }
            case UNJAIL -> simple(s -> s.checkUnjail(from, height), s -> s.unjail(from, height));
            case SUBMIT_EVIDENCE -> {
                StakingPayload.Evidence e = (StakingPayload.Evidence) payload;
                yield new StakingTx(s -> {
                    ConsensusKey key = s.checkEvidence(e.votes().validatorAddress(), e.votes().height(), height);
                    return () -> {
                        if (!e.verifies(chainId, key.publicKey())) {
                            throw new TxRejected("the votes are not both signed by " + key.consensusAddress()
                                    + " (ML-DSA-65 over their consensus sign bytes on chain " + chainId + ")");
                        }
                    };
                }, s -> s.doubleSign(s.state().consensusKey(e.votes().validatorAddress()).operatorAddress(),
                        e.votes().height()));
            }
            default -> throw new IllegalArgumentException(tx.txType() + " is not a staking transaction");
        };
    }
}
