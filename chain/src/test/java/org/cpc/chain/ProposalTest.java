package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.chain.TestKit.*;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProposalTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);

    static NetworkParams withGasLimit(NetworkParams p, long gasLimit, long maxTxs) {
        return p.withBlockLimits(gasLimit, maxTxs);
    }

    @Test
    void blocksFillByGasPriceUnderTheGasLimitKeepingNonceOrder() throws Exception {
        NetworkParams p = withGasLimit(PARAMS, 21_000 * 3, 100);
        KeyPair vk = validatorKey();
        List<Block> seen = new ArrayList<>();
        try (LocalChain c = LocalChain.open(dir, genesis(p, vk, 3, 1000), options(clock))) {
            c.subscribe(new ChainListener() {
                @Override
                public void onBlockCommitted(Block block) {
                    seen.add(block);
                }
            });
            // account 0: nonces 0,1 at low price; account 1: nonce 0 high, nonce 1 low; account 2: medium
            c.submit(transfer(p, priv(0), addr(2), BigInteger.ONE, 0, 1000));
            c.submit(transfer(p, priv(0), addr(2), BigInteger.ONE, 1, 1000));
            c.submit(transfer(p, priv(1), addr(2), BigInteger.ONE, 0, 9000));
            c.submit(transfer(p, priv(1), addr(2), BigInteger.ONE, 1, 1001));
            c.submit(transfer(p, priv(2), addr(0), BigInteger.ONE, 0, 5000));
            Block b1 = produce(c, vk.getPrivate());
            assertThat(b1.transactions()).extracting(t -> t.fromAddress() + "/" + t.nonce())
                    .containsExactly(addr(1) + "/0", addr(2) + "/0", addr(1) + "/1");
            assertThat(b1.header().gasUsed()).isEqualTo(63_000);
            Block b2 = produce(c, vk.getPrivate());
            assertThat(b2.transactions()).extracting(t -> t.fromAddress() + "/" + t.nonce())
                    .containsExactly(addr(0) + "/0", addr(0) + "/1");
            assertThat(seen).extracting(b -> b.header().height()).containsExactly(1L, 2L);
            assertThatThrownBy(() -> c.propose("cpcvalcons1nobody", 0, GENESIS_MS + 5000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a validator");
        }
    }

    @Test
    void severalValidatorsProposeRoundRobinByHeightAndRound() throws Exception {
        KeyPair a = validatorKey(), b = MlDsa.generateKeyPair();
        TreeMap<String, BigInteger> alloc = new TreeMap<>();
        alloc.put(addr(0), Amounts.cpc(10));
        Genesis g = new Genesis(PARAMS, GENESIS_MS, alloc, List.of(validatorInfo(a, addr(998)), validatorInfo(b, addr(999))));
        try (LocalChain c = LocalChain.open(dir, g, options(clock))) {
            String va = g.validators().get(0).address(), vb = g.validators().get(1).address();
            // height 1, round 0: (1 + 0) % 2 = validator 1
            Block wrong = BlockSigner.sign(c.propose(va, 0, GENESIS_MS + 1000), a.getPrivate());
            assertThatThrownBy(() -> c.validate(wrong)).hasMessageContaining("proposer of height 1 round 0 is " + vb);
            Block right = BlockSigner.sign(c.propose(va, 1, GENESIS_MS + 1000), a.getPrivate());
            c.commit(right);
            // 10 CPC to the two validators of power 1: the proposer's 5% bonus, then half each: 5.25 and 4.75 CPC.
            assertThat(withPendingRewards(c, addr(998))).isEqualTo(Amounts.parseCpc("5.25"));
            assertThat(withPendingRewards(c, addr(999))).isEqualTo(Amounts.parseCpc("4.75"));
            c.commit(BlockSigner.sign(c.propose(va, 0, GENESIS_MS + 2000), a.getPrivate()));
            c.commit(BlockSigner.sign(c.propose(vb, 0, GENESIS_MS + 3000), b.getPrivate()));
            assertThat(withPendingRewards(c, addr(999))).isEqualTo(Amounts.parseCpc("14.75")); // 4.75 + 4.75 + 5.25
            assertThat(c.head().header().height()).isEqualTo(3);
        }
    }
}
