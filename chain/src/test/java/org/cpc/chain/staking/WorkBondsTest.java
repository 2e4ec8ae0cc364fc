package org.cpc.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.cpc.chain.TestKit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.BondParams;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

/** The work-bond state machine through real BOND / UNBOND transactions and direct slashes, to the wei. */
class WorkBondsTest {
    private static final BondParams BONDS = new BondParams(6, Amounts.cpc(1), Amounts.cpc(2), 2, 3, 1000, 2000, 0, 0, 0);
    private static final NetworkParams P = TestKit.PARAMS.withBonds(BONDS);
    private static final byte[] W = TestKit.priv(0), Q = TestKit.priv(1);
    private static final String WA = TestKit.addr(0), QA = TestKit.addr(1), CUSTOMER = TestKit.addr(2);
    private static final BigInteger ODD = new BigInteger("3000000000000000007");

    private final StakingHarness h = new StakingHarness(P, 3, 100, TestKit.validatorKey());

    private Transaction bondTx(byte[] priv, BigInteger amount, String role) {
        var payload = Json.object().put("role", role);
        if (role.equals("poc_validator")) payload.put("endpoint", "https://market.example").put("name", "M");
        return h.tx(priv, TxType.BOND, null, amount, payload);
    }

    private Transaction unbondTx(byte[] priv, BigInteger amount, String role) {
        return h.tx(priv, TxType.UNBOND, null, amount, Json.object().put("role", role));
    }

    private void assertBalanced() {
        Supply s = h.supply();
        assertThat(s.sumOfBuckets()).as("%s", s.buckets()).isEqualTo(s.total());
    }

    @Test
    void bondUnbondAndMatureToTheWei() {
        BigInteger before = h.balance(WA);
        Transaction b = bondTx(W, ODD, "worker");
        h.ok(b);
        BigInteger fee = StakingHarness.fee(TxType.BOND, b.payload(), P);
        assertThat(h.balance(WA)).isEqualTo(before.subtract(ODD).subtract(fee));
        assertThat(h.bonds().bonded(BondRole.WORKER, WA)).isEqualTo(ODD);
        assertThat(h.supply().buckets().get("work_bonds")).isEqualTo(ODD);
        assertBalanced();

        BigInteger out = BigInteger.valueOf(1_000_000_000_000_000_003L);
        Transaction u = unbondTx(W, out, "worker");
        h.ok(u);
        long unbondedAt = h.height;
        BigInteger afterUnbond = h.balance(WA);
        assertThat(afterUnbond).isEqualTo(before.subtract(ODD).subtract(fee)
                .subtract(StakingHarness.fee(TxType.UNBOND, u.payload(), P)));
        WorkBond wb = h.bonds().bond(BondRole.WORKER, WA);
        assertThat(wb.amount()).isEqualTo(ODD.subtract(out));
        assertThat(wb.unbonding()).containsExactly(new WorkBond.Unbonding(out, unbondedAt, unbondedAt + 6));
        assertThat(h.supply().buckets().get("work_unbonding")).isEqualTo(out);
        assertBalanced();

        while (h.height < unbondedAt + 5) h.ok();
        assertThat(h.balance(WA)).as("not before bond_unbonding_blocks").isEqualTo(afterUnbond);
        h.ok();
        assertThat(h.balance(WA)).isEqualTo(afterUnbond.add(out));
        assertThat(h.bonds().bond(BondRole.WORKER, WA).unbonding()).isEmpty();
        assertThat(h.supply().buckets().get("work_unbonding")).isZero();
        assertBalanced();
    }

    @Test
    void refusals() {
        assertThat(h.refused(unbondTx(W, BigInteger.ONE, "worker")))
                .contains("the worker bond of " + WA + " is 0 wei; cannot unbond 1");
        assertThat(h.refused(bondTx(W, BigInteger.ZERO, "worker"))).contains("BOND must carry an amount above 0 wei");
        assertThat(h.refused(h.tx(W, TxType.BOND, null, BigInteger.ONE, Json.object().put("role", "miner"))))
                .contains("role 'miner' is not a bond role");
        assertThat(h.refused(h.tx(Q, TxType.BOND, null, BigInteger.ONE, Json.object().put("role", "poc_validator"))))
                .contains("needs endpoint");
        assertThat(h.refused(h.tx(Q, TxType.BOND, null, BigInteger.ONE, Json.object().put("role", "poc_validator")
                .put("endpoint", "ftp://x")))).contains("is not an http(s) base URL");
        h.ok(bondTx(W, ODD, "worker"));
        assertThat(h.refused(unbondTx(W, ODD.add(BigInteger.ONE), "worker"))).contains("cannot unbond");
        // Entries that do not mature while the account makes more of them: the bound on one bond's entries.
        StakingHarness slow = new StakingHarness(P.withBonds(new BondParams(100, BigInteger.ONE, BigInteger.ONE, 2, 3, 1000, 2000, 0, 0, 0)),
                1, 100, TestKit.validatorKey());
        slow.ok(slow.tx(W, TxType.BOND, null, ODD, Json.object().put("role", "worker")));
        for (int i = 0; i < WorkBonds.MAX_UNBONDING; i++) {
            slow.ok(slow.tx(W, TxType.UNBOND, null, BigInteger.ONE, Json.object().put("role", "worker")));
        }
        assertThat(slow.refused(slow.tx(W, TxType.UNBOND, null, BigInteger.ONE, Json.object().put("role", "worker"))))
                .contains("already has 32 unbonding entries");
    }

    @Test
    void aPocValidatorMovesItsListingWithAnAmountZeroBond() {
        h.ok(bondTx(Q, Amounts.cpc(2), "poc_validator"));
        assertThat(h.bonds().isPoc(QA)).isTrue();
        h.ok(h.tx(Q, TxType.BOND, null, BigInteger.ZERO, Json.object().put("role", "poc_validator")
                .put("endpoint", "http://127.0.0.1:9000")));
        WorkBond b = h.bonds().bond(BondRole.POC_VALIDATOR, QA);
        assertThat(b.amount()).isEqualTo(Amounts.cpc(2));
        assertThat(b.endpoint()).isEqualTo("http://127.0.0.1:9000");
        assertThat(b.name()).isEmpty();
        h.ok(unbondTx(Q, BigInteger.ONE, "poc_validator"));
        assertThat(h.bonds().isPoc(QA)).as("below min_poc_bond").isFalse();
    }

    @Test
    void slashByBpsCutsTheBondAndEveryUnbondingEntryAndBurnsWhatItDoesNotPay() {
        h.ok(bondTx(W, ODD, "worker"));
        BigInteger e1 = BigInteger.valueOf(333_333_333_333_333_333L), e2 = BigInteger.valueOf(7);
        h.ok(unbondTx(W, e1, "worker"));
        h.ok(unbondTx(W, e2, "worker"));
        BigInteger bond = ODD.subtract(e1).subtract(e2);
        BigInteger totalBefore = h.supply().total(), customerBefore = h.balance(CUSTOMER);

        WorkBonds.Slashed s = h.slash(WA, BondRole.WORKER, new WorkBonds.Cut.Bps(2_500),
                List.of(new WorkBonds.Payout(CUSTOMER, BigInteger.valueOf(100))));

        BigInteger cutBond = bond.multiply(BigInteger.valueOf(2500)).divide(BigInteger.valueOf(10_000));
        BigInteger cutE1 = e1.multiply(BigInteger.valueOf(2500)).divide(BigInteger.valueOf(10_000));
        BigInteger cutE2 = BigInteger.ONE; // floor(7 / 4)
        assertThat(s.fromBond()).isEqualTo(cutBond);
        assertThat(s.fromUnbonding()).isEqualTo(cutE1.add(cutE2));
        assertThat(s.paid()).containsExactly(new WorkBonds.Payout(CUSTOMER, BigInteger.valueOf(100)));
        assertThat(s.burned()).isEqualTo(s.taken().subtract(BigInteger.valueOf(100)));
        WorkBond after = h.bonds().bond(BondRole.WORKER, WA);
        assertThat(after.amount()).isEqualTo(bond.subtract(cutBond));
        assertThat(after.unbonding()).extracting(WorkBond.Unbonding::balance)
                .containsExactly(e1.subtract(cutE1), e2.subtract(cutE2));
        assertThat(after.slashed()).isEqualTo(s.taken());
        assertThat(after.slashes()).isEqualTo(1);
        assertThat(h.balance(CUSTOMER)).isEqualTo(customerBefore.add(BigInteger.valueOf(100)));
        // Burned, as staking's slashes are: the total falls by exactly what was not paid out.
        assertThat(h.supply().total()).isEqualTo(totalBefore.subtract(s.burned()));
        assertBalanced();

        // The slashed entry pays out its reduced balance at maturity.
        long matures = after.unbonding().getLast().maturesHeight();
        BigInteger balance = h.balance(WA);
        while (h.height < matures) h.ok();
        assertThat(h.balance(WA)).isEqualTo(balance.add(e1.subtract(cutE1)).add(e2.subtract(cutE2)));
        assertBalanced();
    }

    @Test
    void slashByWeiTakesTheBondFirstThenTheNewestEntriesAndCapsAtWhatThereIs() {
        h.ok(bondTx(W, Amounts.cpc(3), "worker"));
        h.ok(unbondTx(W, Amounts.cpc(1), "worker"));
        h.ok(unbondTx(W, Amounts.cpc(1), "worker"));
        BigInteger want = Amounts.cpc(1).add(Amounts.cpc(1).divide(BigInteger.TWO));
        WorkBonds.Slashed s = h.slash(WA, BondRole.WORKER, new WorkBonds.Cut.Wei(want), List.of(
                new WorkBonds.Payout(CUSTOMER, Amounts.cpc(1)), new WorkBonds.Payout(QA, Amounts.cpc(5))));
        assertThat(s.fromBond()).isEqualTo(Amounts.cpc(1));
        assertThat(s.fromUnbonding()).isEqualTo(Amounts.cpc(1).divide(BigInteger.TWO));
        assertThat(h.bonds().bond(BondRole.WORKER, WA).unbonding()).extracting(WorkBond.Unbonding::balance)
                .containsExactly(Amounts.cpc(1), Amounts.cpc(1).divide(BigInteger.TWO));
        assertThat(s.paid()).containsExactly(new WorkBonds.Payout(CUSTOMER, Amounts.cpc(1)),
                new WorkBonds.Payout(QA, Amounts.cpc(1).divide(BigInteger.TWO)));
        assertThat(s.burned()).isZero();
        assertBalanced();

        WorkBonds.Slashed all = h.slash(WA, BondRole.WORKER, new WorkBonds.Cut.Wei(Amounts.cpc(100)), List.of());
        BigInteger rest = Amounts.cpc(1).add(Amounts.cpc(1).divide(BigInteger.TWO)); // the entries' 1 + 0.5 CPC
        assertThat(all.taken()).isEqualTo(rest);
        assertThat(all.burned()).isEqualTo(rest);
        WorkBonds.Slashed nothing = h.slash(QA, BondRole.WORKER, new WorkBonds.Cut.Bps(10_000), List.of());
        assertThat(nothing.taken()).isZero();
        assertBalanced();
    }

    @Test
    void reputationFormula() {
        assertThat(Reputation.bps(0, 0, 0)).isZero();
        assertThat(Reputation.bps(10, 0, 0)).isEqualTo(5000);
        assertThat(Reputation.bps(90, 0, 0)).isEqualTo(9000);
        assertThat(Reputation.bps(90, 1, 0)).isEqualTo(8000);
        assertThat(Reputation.bps(90, 1, 1)).isEqualTo(4000);
        assertThat(Reputation.bps(5, 3, 0)).isZero();
        assertThat(Reputation.bps(Long.MAX_VALUE - 10, 0, 100)).isZero();
    }
}
