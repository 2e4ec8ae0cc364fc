package org.cpc.chain.mempool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.TestKit.addr;
import static org.cpc.chain.TestKit.priv;
import static org.cpc.chain.TestKit.transfer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cpc.chain.Account;
import org.cpc.chain.exec.PreparedTx;
import org.junit.jupiter.api.Test;

/**
 * The balance check against a sender's earlier pending transactions, which the pool keeps as a running total:
 * after any mix of in-order and out-of-order nonces, replacements, evictions, pruning and removals it must ask
 * exactly what a sum over the pending transactions below the nonce asks.
 */
class MempoolBalanceTest {
    private static final int SENDERS = 3;
    private static final BigInteger RICH = BigInteger.TEN.pow(30);

    @Test
    void theRunningTotalAsksWhatTheSumOverEarlierNoncesAsks() {
        Random rnd = new Random(16);
        Mempool pool = new Mempool(8, 18, 60_000);
        List<PreparedTx> added = new ArrayList<>();
        long[] committedNonce = new long[SENDERS];
        int checks = 0;
        for (int step = 0; step < 1500; step++) {
            int s = rnd.nextInt(SENDERS);
            long nonce = committedNonce[s] + rnd.nextInt(8);
            PreparedTx p = PreparedTx.of(transfer(priv(s), addr(5), BigInteger.valueOf(1 + rnd.nextInt(1000)), nonce,
                    1000 + rnd.nextInt(400)));
            BigInteger need = p.tx().amount().add(p.tx().fee());
            for (PreparedTx q : added) {
                if (pool.get(q.hash()) != null && q.tx().fromAddress().equals(p.tx().fromAddress())
                        && q.tx().nonce() < nonce) {
                    need = need.add(q.tx().amount()).add(q.tx().fee());
                }
            }
            // Only where every earlier rule passes (not a duplicate, not an underpriced replacement) is the balance asked.
            if (pool.precheck(p, new Account(RICH, committedNonce[s]), null) == null) {
                String poor = pool.precheck(p, new Account(need.subtract(BigInteger.ONE), committedNonce[s]), null);
                assertThat(poor).as("step %d", step).startsWith("insufficient balance").contains("needs " + need + " ");
                assertThat(pool.precheck(p, new Account(need, committedNonce[s]), null)).as("step %d", step).isNull();
                checks++;
            }
            switch (rnd.nextInt(10)) {
                case 0 -> { // a block committed the sender's next nonce
                    committedNonce[s]++;
                    pool.removeCommitted(List.of(), Map.of(p.tx().fromAddress(), committedNonce[s]));
                }
                case 1 -> { if (!added.isEmpty()) pool.remove(added.get(rnd.nextInt(added.size())).hash()); }
                default -> {
                    if (pool.add(p, new Account(RICH, committedNonce[s]), null, 0) == null) {
                        added.add(p);
                    }
                }
            }
        }
        assertThat(checks).isGreaterThan(500);
        assertThat(added.size()).isGreaterThan(300); // replacements and evictions happened along the way
    }

    @Test
    void aBlockRebuiltFromThePoolFindsEachPendingObjectsHashButNotAnEqualCopy() {
        Mempool pool = new Mempool(8, 100, 60_000);
        PreparedTx p = PreparedTx.of(transfer(priv(0), addr(1), BigInteger.ONE, 0, 1000));
        assertThat(pool.add(p, new Account(RICH, 0), null, 0)).isNull();
        var copy = transfer(priv(0), addr(1), BigInteger.ONE, 0, 1000);
        PreparedTx[] found = pool.preparedOf(List.of(p.tx(), copy));
        assertThat(found[0]).isSameAs(p);
        assertThat(found[1]).isNull();
        pool.remove(p.hash());
        assertThat(pool.preparedOf(List.of(p.tx()))[0]).isNull();
    }
}
