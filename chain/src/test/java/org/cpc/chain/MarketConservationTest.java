package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.chain.MarketKit.*;
import static org.cpc.chain.TestKit.*;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cpc.chain.market.MarketTask;
import org.cpc.protocol.types.TaskStatus;
import org.cpc.protocol.types.Amounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No wei is created or lost: random sequences of creates, cancels, job results (valid and not) and deadlines, and
 * after every block sum(balances) + sum(escrow) = genesis alloc + minted block rewards.
 */
class MarketConservationTest {
    @TempDir
    Path dir;

    @Test
    void balancesPlusEscrowEqualAllocPlusMintedAfterEveryBlock() throws Exception {
        PrivateKey vkey = validatorKey().getPrivate();
        Clock clock = new Clock(GENESIS_MS + 100_000_000L);
        for (long seed : new long[] {1, 2, 3}) {
            Path d = dir.resolve("s" + seed);
            Random rnd = new Random(seed);
            try (LocalChain c = LocalChain.open(d, MarketKit.genesis(), options(clock))) {
                BigInteger genesis = c.supply().total();
                long[] nonce = new long[POC + 1];
                List<String> ids = new ArrayList<>();
                int next = 0;
                for (int blk = 1; blk <= 40; blk++) {
                    int ops = rnd.nextInt(6);
                    for (int k = 0; k < ops; k++) {
                        int who = rnd.nextInt(POC + 1);
                        Admission a;
                        int op = rnd.nextInt(10);
                        if (op < 3 || ids.isEmpty()) {
                            String id = taskId(1000 * (int) seed + next++);
                            long dl = blockS(c.head().header().height() + 1) + 1 + rnd.nextInt(8);
                            BigInteger reward = BigInteger.valueOf(1 + rnd.nextInt(1_000_000_000));
                            a = c.submit(create(priv(who), id, reward, dl, 1 + rnd.nextInt(4), nonce[who]));
                            if (a instanceof Admission.Accepted) ids.add(id);
                        } else if (op < 4) {
                            a = c.submit(cancel(priv(who), ids.get(rnd.nextInt(ids.size())), nonce[who]));
                        } else {
                            String id = ids.get(rnd.nextInt(ids.size()));
                            int job = rnd.nextInt(5);
                            int worker = rnd.nextInt(POC + 1);
                            boolean viaPoc = rnd.nextBoolean();
                            int sender = viaPoc ? POC : worker;
                            byte[] attester = viaPoc ? null : priv(rnd.nextInt(4) == 0 ? 3 : POC);
                            if (sender != who) who = sender;
                            a = c.submit(jobResult(priv(sender), priv(worker), id, job, attester, nonce[sender]));
                        }
                        if (a instanceof Admission.Accepted) nonce[who]++;
                    }
                    produce(c, vkey);
                    // a pending transaction the block dropped leaves a nonce gap: resync from the chain
                    for (int i = 0; i <= POC; i++) nonce[i] = c.nextNonce(addr(i));
                    long h = c.head().header().height();
                    BigInteger minted = Amounts.cpc(10).multiply(BigInteger.valueOf(h));
                    assertThat(c.supply().sumOfBuckets()).as("seed %d block %d", seed, h).isEqualTo(genesis.add(minted));
                }
                // every task ended up consistent: open ones hold escrow and are indexed, final ones hold nothing
                int open = 0, final_ = 0, jobs = 0;
                for (String id : ids) {
                    var v = c.task(id);
                    if (v.isEmpty()) continue; // admitted, then dropped by its block (e.g. its deadline came first)
                    MarketTask t = v.get().task();
                    jobs += t.jobsDone();
                    if (t.status().open()) open++;
                    else {
                        final_++;
                        assertThat(t.escrowLeft()).isZero();
                    }
                    if (t.status() == TaskStatus.COMPLETED) assertThat(t.jobsDone()).isEqualTo(t.jobsTotal());
                }
                assertThat(c.deadlineIndexEntries()).hasSize(open);
                assertThat(final_).as("the sequence reached final states").isPositive();
                assertThat(jobs).as("jobs were accepted").isPositive();
                // another node replays the blocks (full validation, no proposal cache) to the same state
                try (LocalChain r = LocalChain.open(dir.resolve("replay" + seed), MarketKit.genesis(), options(clock))) {
                    for (long h = 1; h <= c.head().header().height(); h++) r.commit(c.block(h).orElseThrow());
                    assertThat(r.head().header().stateRoot()).isEqualTo(c.head().header().stateRoot());
                    assertThat(r.deadlineIndexEntries()).isEqualTo(c.deadlineIndexEntries());
                }
            }
        }
    }
}
