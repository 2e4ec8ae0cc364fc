package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
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
}
