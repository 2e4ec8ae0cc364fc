package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;
import java.util.TreeMap;
import org.cpc.protocol.types.Amounts;
import org.junit.jupiter.api.Test;

class GenesisFileTest {
    @Test
    void refusesInconsistentGenesis() {
        Genesis g = TestKit.genesis(2);
        ValidatorInfo v = g.validators().get(0);
        Genesis wrongAddress = new Genesis(g.params(), g.timestampMs(), g.alloc(),
                List.of(new ValidatorInfo("cpcvalcons1lxvp7agw998t68qm76ek6t20gh320yrssakkwx", v.publicKey(),
                        v.rewardAddress(), 1)));
        assertThatThrownBy(() -> GenesisFile.check(wrongAddress)).hasMessageContaining("is not the cpcvalcons address");
        Genesis badReward = new Genesis(g.params(), g.timestampMs(), g.alloc(),
                List.of(new ValidatorInfo(v.address(), v.publicKey(), "cpc1nope", 1)));
        assertThatThrownBy(() -> GenesisFile.check(badReward)).hasMessageContaining("reward_address");
        Genesis none = new Genesis(g.params(), g.timestampMs(), g.alloc(), List.of());
        assertThatThrownBy(() -> GenesisFile.check(none)).hasMessageContaining("at least one validator");
        ObjectNode json = GenesisFile.toJson(g);
        ((ObjectNode) json.get("alloc")).put("cpc1bad", "5");
        assertThatThrownBy(() -> GenesisFile.fromJson(json)).hasMessageContaining("not a valid cpc address");
        ObjectNode json2 = GenesisFile.toJson(g);
        ((ObjectNode) json2.get("alloc")).put(TestKit.addr(5), "-5");
        assertThatThrownBy(() -> GenesisFile.fromJson(json2)).hasMessageContaining("not decimal wei");
    }

    @Test
    void bondsComeOutOfTheAlloc() {
        Genesis g = TestKit.genesis(2);
        ValidatorInfo v = g.validators().get(0);
        BigInteger bond = Amounts.cpc(v.power());
        assertThat(g.bonds()).containsEntry(v.rewardAddress(), bond);
        assertThat(g.alloc().get(v.rewardAddress())).isEqualTo(bond);
        assertThat(g.balances()).doesNotContainKey(v.rewardAddress()).containsKeys(TestKit.addr(0), TestKit.addr(1));
        assertThat(g.supply()).isEqualTo(g.alloc().values().stream().reduce(BigInteger.ZERO, BigInteger::add));

        TreeMap<String, BigInteger> short1 = new TreeMap<>(g.alloc());
        short1.put(v.rewardAddress(), bond.subtract(BigInteger.ONE));
        Genesis underfunded = new Genesis(g.params(), g.timestampMs(), short1, g.validators());
        assertThatThrownBy(() -> GenesisFile.check(underfunded))
                .hasMessageContaining(v.rewardAddress()).hasMessageContaining("bonds come out of the alloc");
    }
}
