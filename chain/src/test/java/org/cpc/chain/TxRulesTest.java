package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpc.chain.exec.TxRules;
import org.cpc.protocol.params.NetworkParams;
import org.junit.jupiter.api.Test;

class TxRulesTest {
    @Test
    void proofGasFollowsDesign() {
        // devnet: k = 32, n = 1024: ceil(32·1024² / 2^20) = 32 units of 30,000 gas
        assertThat(TxRules.syntheticProofGas(NetworkParams.devnet())).isEqualTo(32 * 30_000L);
        assertThat(TxRules.syntheticProofGas(NetworkParams.devnet().withSynthetic(8, 4))).isEqualTo(30_000L);
        assertThat(TxRules.maxProofBytes(NetworkParams.devnet())).isEqualTo(32L * 10 * 32);
    }
}
