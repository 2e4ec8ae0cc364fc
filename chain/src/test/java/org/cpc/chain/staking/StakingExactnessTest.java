package org.cpc.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import org.cpc.chain.TestKit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.StakingParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

/** Rewards, commission, unbonding and slashes to the wei, and the refusals of the staking rules. */
class StakingExactnessTest {
    private static final BigInteger CPC = Amounts.WEI_PER_CPC;
    private static final BigInteger REWARD = Amounts.cpc(10);
    private static final byte[] D = TestKit.priv(0), E = TestKit.priv(1);
    private static final String DA = TestKit.addr(0), EA = TestKit.addr(1);

    private static StakingHarness harness() {
        return new StakingHarness(TestKit.PARAMS, 3, 1000, TestKit.validatorKey());
    }

    private static BigInteger wei(long w) {
        return BigInteger.valueOf(w);
    }

    @Test
    void genesisBondsEachValidatorsPowerAsItsSelfBond() {
        StakingHarness h = harness();
        ValidatorRecord v = h.view().state().validator(StakingHarness.OPERATOR);
        assertThat(v.tokens()).isEqualTo(CPC);
        assertThat(v.consensusAddress()).isEqualTo(h.validatorAddress);
        assertThat(v.commissionBps()).isEqualTo(Staking.GENESIS_COMMISSION_BPS);
        assertThat(h.view().state().schedule().at(1).members())
                .containsExactly(new ActiveSet.Member(StakingHarness.OPERATOR, h.validatorAddress, 1));
        Supply s = h.supply();
        assertThat(s.total()).isEqualTo(Amounts.cpc(4 * 1000 + 1)); // the bond is part of what genesis created
        assertThat(s.balanced()).isTrue();
    }

    @Test
    void rewardsPayCommissionAndDelegatorsProRataToTheWei() {
        StakingHarness h = harness();
        BigInteger operatorBefore = h.balance(StakingHarness.OPERATOR);
        BigInteger delegateFee = StakingHarness.fee(TxType.DELEGATE, Json.object(), h.params);
        h.ok(h.tx(D, TxType.DELEGATE, StakingHarness.OPERATOR, Amounts.cpc(3), Json.object())); // block 1
        h.ok(); // block 2
        // Blocks 1 and 2 pay the one validator 10 CPC each, plus block 1's fee: 10% commission to the operator,
        // the rest to its shares: 1 CPC self-bond, 3 CPC delegated (the delegation shared block 1's rewards already).
        BigInteger paid = REWARD.multiply(wei(2)).add(delegateFee);
        BigInteger commission = paid.divide(wei(10));
        assertThat(h.balance(StakingHarness.OPERATOR)).isEqualTo(operatorBefore.add(commission));
        BigInteger toDelegators = paid.subtract(commission);
        assertThat(h.view().pendingRewards(StakingHarness.OPERATOR, DA)).isEqualTo(toDelegators.multiply(wei(3)).divide(wei(4)));
        assertThat(h.view().pendingRewards(StakingHarness.OPERATOR, StakingHarness.OPERATOR))
                .isEqualTo(toDelegators.divide(wei(4)));

        BigInteger before = h.balance(DA);
        BigInteger withdrawFee = StakingHarness.fee(TxType.WITHDRAW_REWARDS, Json.object(), h.params);
        h.ok(h.tx(D, TxType.WITHDRAW_REWARDS, StakingHarness.OPERATOR, BigInteger.ZERO, Json.object())); // block 3
        assertThat(h.balance(DA)).isEqualTo(before.add(toDelegators.multiply(wei(3)).divide(wei(4))).subtract(withdrawFee));
        assertThat(h.supply().balanced()).isTrue();
    }

    @Test
    void theSplitByPowerGivesTheRemainderAndBonusToTheProposer() {
        ActiveSet set = new ActiveSet(List.of(new ActiveSet.Member("cpc1a", "vc1", 3),
                new ActiveSet.Member("cpc1b", "vc2", 2), new ActiveSet.Member("cpc1c", "vc3", 2)));
        List<RewardSplit.Part> parts = RewardSplit.split(set, "vc2", wei(1001));
        // bonus floor(1001 × 5%) = 50; rest 951 by power 3:2:2 = 407, 271, 271 (949), remainder 2 to the proposer.
        assertThat(parts).extracting(RewardSplit.Part::wei).containsExactly(wei(407), wei(271 + 50 + 2), wei(271));
        // A proposer outside the set: no bonus, the remainder goes to the first member (the most power).
        // 1000 by 3:2:2 = 428, 285, 285 (998).
        assertThat(RewardSplit.split(set, "other", wei(1000))).extracting(RewardSplit.Part::wei)
                .containsExactly(wei(428 + 2), wei(285), wei(285));
        assertThat(RewardSplit.commission(wei(999), 1000)).isEqualTo(wei(99));
    }

    @Test
    void unbondingComesBackExactlyAtMaturityAndNotBefore() {
        StakingHarness h = harness();
        h.ok(h.tx(D, TxType.DELEGATE, StakingHarness.OPERATOR, Amounts.cpc(5), Json.object())); // block 1
        h.ok(h.tx(D, TxType.UNDELEGATE, StakingHarness.OPERATOR, Amounts.cpc(2), Json.object())); // block 2
        long matures = 2 + h.params.staking().unbondingBlocks();
        assertThat(h.view().state().staker(DA).unbonding()).hasSize(1);
        while (h.height < matures - 1) h.ok();
        BigInteger before = h.balance(DA);
        h.ok(); // block `matures`: paid at its start
        assertThat(h.balance(DA)).isEqualTo(before.add(Amounts.cpc(2)));
        assertThat(h.view().state().staker(DA).unbonding()).isEmpty();
        assertThat(h.view().state().delegation(StakingHarness.OPERATOR, DA).shares()).isEqualTo(Amounts.cpc(3));
        assertThat(h.supply().balanced()).isTrue();
    }

    @Test
    void doubleSignBurnsThePartOfBondAndLaterUnbondingAndTombstones() {
        StakingHarness h = harness();
        h.ok(h.tx(D, TxType.DELEGATE, StakingHarness.OPERATOR, Amounts.cpc(3), Json.object())); // block 1
        h.ok(h.tx(D, TxType.UNDELEGATE, StakingHarness.OPERATOR, wei(1_000_000_000_000_000_007L), Json.object())); // 2
        ValidatorRecord before = h.view().state().validator(StakingHarness.OPERATOR);
        BigInteger entry = h.view().state().unbonding(UnbondingEntry.id(StakingHarness.OPERATOR, 0)).balance();
        h.ok(h.tx(E, TxType.SUBMIT_EVIDENCE, null, BigInteger.ZERO, h.evidence(h.validatorKey, 2))); // block 3
        ValidatorRecord after = h.view().state().validator(StakingHarness.OPERATOR);
        BigInteger cut = before.tokens().multiply(wei(500)).divide(wei(10_000));
        BigInteger entryCut = entry.multiply(wei(500)).divide(wei(10_000));
        assertThat(after.tokens()).isEqualTo(before.tokens().subtract(cut));
        assertThat(after.tombstoned()).isTrue();
        assertThat(after.jailed()).isTrue();
        assertThat(h.view().state().unbonding(UnbondingEntry.id(StakingHarness.OPERATOR, 0)).balance())
                .isEqualTo(entry.subtract(entryCut));
        assertThat(h.view().state().issuance().burned()).isEqualTo(cut.add(entryCut));
        Supply s = h.supply();
        assertThat(s.balanced()).isTrue();
        // The validator is jailed, so no one is eligible: no set is decided at the end of block 3 and the last one
        // stays (with nobody to sign, a chain could never recover; the old set may).
        h.ok();
        h.ok();
        assertThat(h.view().state().index().candidates()).isEmpty();
        assertThat(h.view().state().schedule().at(5).contains(StakingHarness.OPERATOR)).isTrue();
        assertThat(h.refused(h.tx(E, TxType.SUBMIT_EVIDENCE, null, BigInteger.ZERO, h.evidence(h.validatorKey, 2))))
                .contains("already tombstoned");
        assertThat(h.refused(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UNJAIL, null, BigInteger.ZERO, Json.object())))
                .contains("can never be unjailed");
        // With the set empty, block 5's validators' part goes to the proposer's reward address, and nothing is lost.
        assertThat(h.supply().balanced()).isTrue();
    }

    @Test
    void downtimeJailsAndSlashesThenUnjailWorksAfterTheJailTime() {
        StakingParams sp = new StakingParams(5, 10, CPC, 20, 10, 5000, 4, 500, 100, 100, 10);
        StakingHarness h = new StakingHarness(TestKit.PARAMS.withStaking(sp), 3, 1000, TestKit.validatorKey());
        Set<String> none = Set.of();
        // Window 10, at least 5 signed: the 6th missed certificate of a full window jails.
        for (int i = 0; i < 10; i++) h.block(List.of(), i < 5 ? Set.of(h.validatorAddress) : none);
        ValidatorRecord v = h.view().state().validator(StakingHarness.OPERATOR);
        assertThat(v.jailed()).isFalse();
        h.block(List.of(), none); // block 11 counts block 10's certificate: 6 missed of 10
        v = h.view().state().validator(StakingHarness.OPERATOR);
        assertThat(v.jailed()).isTrue();
        assertThat(v.jailedUntil()).isEqualTo(11 + 4);
        assertThat(v.tokens()).isEqualTo(CPC.subtract(CPC.divide(wei(100))));
        assertThat(h.view().state().issuance().burned()).isEqualTo(CPC.divide(wei(100)));
        // Its self-bond is now below min_self_bond (1 CPC): it must stake more before it may come back.
        assertThat(h.refused(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UNJAIL, null, BigInteger.ZERO, Json.object())))
                .contains("jailed until height 15");
        h.ok(h.tx(StakingKeys.OPERATOR_PRIV, TxType.STAKE, null, CPC, Json.object()));
        while (h.height < 14) h.ok();
        h.ok(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UNJAIL, null, BigInteger.ZERO, Json.object())); // block 15
        assertThat(h.view().state().validator(StakingHarness.OPERATOR).jailed()).isFalse();
        assertThat(h.view().state().schedule().at(17).members()).hasSize(1);
        assertThat(h.supply().balanced()).isTrue();
    }

    @Test
    void aNewValidatorJoinsTheSetTwoBlocksAfterItsStake() {
        StakingHarness h = harness();
        KeyPair k = MlDsa.generateKeyPair();
        h.ok(h.tx(D, TxType.STAKE, null, Amounts.cpc(7), h.createPayload(k, DA, 500))); // block 1
        assertThat(h.view().state().schedule().at(2).members()).hasSize(1);
        List<ActiveSet.Member> at3 = h.view().state().schedule().at(3).members();
        assertThat(at3).extracting(ActiveSet.Member::operatorAddress).containsExactly(DA, StakingHarness.OPERATOR);
        assertThat(at3.getFirst().power()).isEqualTo(7);
        h.ok();
        h.ok(); // block 3: 7 : 1 by power
        assertThat(h.supply().balanced()).isTrue();
    }

    @Test
    void refusalsSayWhy() {
        StakingHarness h = harness();
        KeyPair k = MlDsa.generateKeyPair();
        assertThat(h.refused(h.tx(D, TxType.DELEGATE, EA, CPC, Json.object()))).contains("no validator is operated by");
        assertThat(h.refused(h.tx(D, TxType.UNDELEGATE, StakingHarness.OPERATOR, CPC, Json.object())))
                .contains("has no bond with validator");
        assertThat(h.refused(h.tx(D, TxType.STAKE, null, wei(5), h.createPayload(k, DA, 0))))
                .contains("at least min_self_bond");
        var wrongPop = h.createPayload(k, EA, 0); // proves possession for someone else
        assertThat(h.refused(h.tx(D, TxType.STAKE, null, CPC, wrongPop))).contains("pop is not");
        assertThat(h.refused(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UPDATE_VALIDATOR, null, BigInteger.ZERO,
                Json.object().put("commission_bps", 1200)))).contains("at most max_commission_change_bps 100");
        assertThat(h.refused(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UPDATE_VALIDATOR, null, BigInteger.ZERO,
                Json.object().put("commission_bps", 1050)))).contains("next change may come at height 100");
        assertThat(h.refused(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UNSTAKE, null, Amounts.cpc(2), Json.object())))
                .contains("less than");
        assertThat(h.refused(h.tx(D, TxType.DELEGATE, DA, CPC, Json.object()))).contains("is STAKE");
        assertThat(h.refused(h.tx(D, TxType.WITHDRAW_REWARDS, null, BigInteger.ZERO, Json.object())))
                .contains("no bonds");
        assertThat(h.refused(h.tx(StakingKeys.OPERATOR_PRIV, TxType.UNJAIL, null, BigInteger.ZERO, Json.object())))
                .contains("is not jailed");
        assertThat(h.refused(h.tx(E, TxType.SUBMIT_EVIDENCE, null, BigInteger.ZERO, h.evidence(k, 0))))
                .contains("no validator has the consensus key");
        assertThat(h.supply().balanced()).isTrue();
    }
}
