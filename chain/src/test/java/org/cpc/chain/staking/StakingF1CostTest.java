package org.cpc.chain.staking;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.TestKit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

/**
 * F1's promise: what a block costs does not grow with the number of delegators. Counted in state reads and writes
 * (what a block costs a node, whatever the machine), not wall time.
 */
class StakingF1CostTest {
    /** State reads and writes of: an empty block; a block with one DELEGATE and one WITHDRAW_REWARDS. */
    private record Cost(int emptyReads, int emptyWrites, int txReads, int txWrites) {}

    private static Cost costWith(int delegators) {
        StakingHarness h = new StakingHarness(TestKit.PARAMS, delegators + 2, 10, TestKit.validatorKey());
        List<Transaction> txs = new ArrayList<>(delegators);
        for (int i = 0; i < delegators; i++) {
            txs.add(h.tx(delegator(i), TxType.DELEGATE, StakingHarness.OPERATOR, Amounts.cpc(1), Json.object()));
        }
        assertThat(h.block(txs, null).refused()).isEmpty();
        h.ok(); // a block after the delegations, so both runs measure the same steady state
        h.ok();
        int emptyReads = h.reads, emptyWrites = h.writes;
        byte[] newcomer = delegator(delegators), old = delegator(0);
        h.ok(h.tx(newcomer, TxType.DELEGATE, StakingHarness.OPERATOR, Amounts.cpc(1), Json.object()),
                h.tx(old, TxType.WITHDRAW_REWARDS, StakingHarness.OPERATOR, BigInteger.ZERO, Json.object()));
        assertThat(h.supply().balanced()).isTrue();
        return new Cost(emptyReads, emptyWrites, h.reads, h.writes);
    }

    /** Delegator i's key: the test accounts but 999, the validator's operator. */
    private static byte[] delegator(int i) {
        return TestKit.priv(i >= 999 ? i + 1 : i);
    }

    @Test
    void blockCostIsFlatInTheNumberOfDelegators() {
        Cost few = costWith(10);
        Cost many = costWith(10_000);
        assertThat(many).isEqualTo(few);
        assertThat(few.emptyWrites()).isLessThan(10); // a handful of entries: the validator, its operator, ...
    }
}
