package org.cpc.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.cpc.chain.TestKit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.BondParams;
import org.cpc.protocol.params.StakingParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The supply invariant after every block of long random schedules of stakes, delegations, unbondings, withdrawals,
 * transfers, double signs, missed certificates and unjails: every wei is in exactly one bucket, and the buckets sum to
 * genesis + minted − burned. Awkward amounts (odd wei) make the F1 and slash divisions leave remainders.
 */
class StakingSupplyProperties {
    private static final int ACCOUNTS = 6, BLOCKS = 80;
    /** Short windows so that unbonding matures, downtime jails and jail ends within a run. */
    private static final StakingParams FAST = new StakingParams(4, 3, Amounts.WEI_PER_CPC, 10, 6, 5000, 3, 700, 300,
            100, 5);
    /** Work bonds that mature within a run. */
    private static final BondParams FAST_BONDS = new BondParams(5, Amounts.WEI_PER_CPC, Amounts.WEI_PER_CPC, 2, 3, 1000, 2000, 0, 0, 0);
    /** Two consensus keys, made once: accounts 0 and 1 may create validators with them. */
    private static final KeyPair[] KEYS = {MlDsa.generateKeyPair(), MlDsa.generateKeyPair()};

    @Property(tries = 12)
    void everyWeiIsInExactlyOneBucketAfterEveryBlock(@ForAll long seed) {
        Random rnd = new Random(seed);
        StakingHarness h = new StakingHarness(TestKit.PARAMS.withStaking(FAST).withBonds(FAST_BONDS), ACCOUNTS, 100,
                TestKit.validatorKey());
        List<String> operators = new ArrayList<>(List.of(StakingHarness.OPERATOR));
        Set<Integer> doubleSigned = new HashSet<>();
        for (int b = 0; b < BLOCKS; b++) {
            List<Transaction> txs = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) txs.add(randomTx(h, rnd, operators, doubleSigned));
            h.block(txs, signers(h, rnd));
            if (rnd.nextInt(6) == 0) { // an audit or fraud proof slashing a work bond, paying some of it out
                String who = TestKit.addr(rnd.nextInt(ACCOUNTS));
                BondRole role = BondRole.values()[rnd.nextInt(2)];
                WorkBonds.Cut cut = rnd.nextBoolean() ? new WorkBonds.Cut.Bps(rnd.nextInt(10_001))
                        : new WorkBonds.Cut.Wei(BigInteger.valueOf(rnd.nextLong(1, Long.MAX_VALUE)));
                h.slash(who, role, cut, List.of(new WorkBonds.Payout(TestKit.addr(rnd.nextInt(ACCOUNTS)),
                        BigInteger.valueOf(rnd.nextLong(0, 1_000_000_000_000_000_000L)))));
            }
            for (int k = 0; k < KEYS.length; k++) {
                if (h.view().state().validator(TestKit.addr(k)) != null && !operators.contains(TestKit.addr(k))) {
                    operators.add(TestKit.addr(k));
                }
            }
            Supply s = h.supply();
            assertThat(s.sumOfBuckets()).as("seed %d block %d: %s", seed, h.height, s.buckets()).isEqualTo(s.total());
        }
    }

    /** Who signed the previous block: each member of its set, with probability 3/4. */
    private static Set<String> signers(StakingHarness h, Random rnd) {
        Set<String> out = new HashSet<>();
        for (ActiveSet.Member m : h.view().state().schedule().at(h.height).members()) {
            if (rnd.nextInt(4) != 0) out.add(m.consensusAddress());
        }
        return out;
    }

    private static Transaction randomTx(StakingHarness h, Random rnd, List<String> operators, Set<Integer> doubleSigned) {
        int a = rnd.nextInt(ACCOUNTS);
        byte[] priv = rnd.nextInt(8) == 0 ? StakingKeys.OPERATOR_PRIV : TestKit.priv(a);
        String me = TestKit.addr(priv);
        String op = operators.get(rnd.nextInt(operators.size()));
        BigInteger amount = Amounts.cpc(rnd.nextInt(3)).add(BigInteger.valueOf(rnd.nextLong(1, 1_000_000_000_000_000L)));
        var none = Json.object();
        return switch (rnd.nextInt(14)) {
            case 11 -> h.tx(priv, TxType.BOND, null, amount, Json.object().put("role", "worker"));
            case 12 -> h.tx(priv, TxType.BOND, null, amount, Json.object().put("role", "poc_validator")
                    .put("endpoint", "https://market.example/" + a).put("name", "m" + a));
            case 13 -> h.tx(priv, TxType.UNBOND, null, amount.divide(BigInteger.valueOf(2)),
                    Json.object().put("role", rnd.nextBoolean() ? "worker" : "poc_validator"));
            case 0 -> h.tx(priv, TxType.TRANSFER, TestKit.addr(rnd.nextInt(ACCOUNTS)), amount, none);
            case 1 -> a < KEYS.length
                    ? h.tx(priv, TxType.STAKE, null, amount.add(Amounts.cpc(1)), h.createPayload(KEYS[a], me, 1000))
                    : h.tx(priv, TxType.STAKE, null, amount, none);
            case 2, 3 -> h.tx(priv, TxType.DELEGATE, op, amount, none);
            case 4 -> h.tx(priv, TxType.UNDELEGATE, op, amount.divide(BigInteger.valueOf(3)), none);
            case 5 -> h.tx(priv, TxType.UNSTAKE, null, amount.divide(BigInteger.valueOf(5)), none);
            case 6 -> h.tx(priv, TxType.WITHDRAW_REWARDS, rnd.nextBoolean() ? null : op, BigInteger.ZERO, none);
            case 7 -> h.tx(priv, TxType.UNJAIL, null, BigInteger.ZERO, none);
            case 8 -> h.tx(priv, TxType.UPDATE_VALIDATOR, null, BigInteger.ZERO,
                    Json.object().put("commission_bps", rnd.nextInt(900, 1100)));
            case 9 -> {
                // A double sign by a validator key, at a recent height, once per key (the next would be refused).
                int k = rnd.nextInt(KEYS.length + 1);
                KeyPair key = k == KEYS.length ? h.validatorKey : KEYS[k];
                if (!doubleSigned.add(k)) yield h.tx(priv, TxType.WITHDRAW_REWARDS, null, BigInteger.ZERO, none);
                yield h.tx(priv, TxType.SUBMIT_EVIDENCE, null, BigInteger.ZERO,
                        h.evidence(key, Math.max(0, h.height - rnd.nextInt(4))));
            }
            default -> h.tx(priv, TxType.UNDELEGATE, op, amount.multiply(BigInteger.valueOf(50)), none);
        };
    }
}
