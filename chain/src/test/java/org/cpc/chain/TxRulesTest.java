package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpc.chain.exec.TxRules;
import org.cpc.protocol.params.NetworkParams;
import org.junit.jupiter.api.Test;

class TxRulesTest {
    @Test
    void proofSizeIsBoundedBySpotChecksTimesTreeDepth() {
        // devnet: k = 32 audit paths of ceil(log2 1024) = 10 hashes of 32 bytes
        assertThat(TxRules.maxProofBytes(NetworkParams.devnet())).isEqualTo(32L * 10 * 32);
    }
}
