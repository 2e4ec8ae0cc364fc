package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.Chain;
import org.cpc.consensus.FileSignStateStore;
import org.cpc.consensus.SignState;
import org.cpc.node.consensus.SignHistoryCheck;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.protocol.keys.Keyring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A validator restarted without its double-sign guard state (priv_validator_state.log deleted, as after a move or a
 * restore that forgot it) while the chain shows its recent signatures must follow without signing; restarted with
 * its state it signs again. Four validators in one JVM, real RocksDB, P2P on loopback.
 */
class SignHistoryCheckTest {
    @TempDir
    Path root;

    @Test
    void aValidatorWithoutItsSignStateFollowsUntilTheChainForgetsIt() throws Exception {
        try (Testnet net = Testnet.create(root, 4, TestNode.params())) {
            net.startAll();
            net.awaitHeight(3, Duration.ofSeconds(60));
            String addr3 = new Keyring(net.node(3).runner.dataDir().keys()).show(NodeInit.DEFAULT_VALIDATOR_KEY).address();
            assertThat(net.node(0).runner.chain().validatorSet(1).byAddress(addr3)).isNotNull();
            Chain chain0 = net.node(0).runner.chain();
            Testnet.await("node3's precommits in a certificate", Duration.ofSeconds(60), () -> signedAfter(chain0, addr3, 0));
            Path state = net.node(3).runner.dataDir().consensus().resolve(TendermintConsensus.SIGN_STATE_FILE);

            // A normal restart keeps the state: nothing held back, it signs again.
            net.stop(3);
            SignState kept = new FileSignStateStore(state, w -> {}).load().orElseThrow();
            assertThat(SignHistoryCheck.holdBack(chain0, addr3, kept, SignHistoryCheck.LOOKBACK_BLOCKS)).isEmpty();
            assertThat(SignHistoryCheck.holdBack(chain0, addr3, null, SignHistoryCheck.LOOKBACK_BLOCKS))
                    .hasValueSatisfying(why -> assertThat(why).contains("priv_validator_state.log is missing"));
            net.start(3);
            assertThat(net.node(3).runner.consensus().signingHeldBack()).isFalse();
            long restarted = net.height(net.node(0));
            Testnet.await("node3's precommits in the certificates after its restart", Duration.ofSeconds(60),
                    () -> signedAfter(chain0, addr3, restarted));

            // Without the state: it follows, and signs nothing (no precommit of it lands, no state is written).
            net.stop(3);
            Files.delete(state);
            net.start(3);
            assertThat(net.node(3).runner.consensus().signingHeldBack()).isTrue();
            long from = net.height(net.node(0)) + 1;
            net.awaitHeight(from + 3, Duration.ofSeconds(60));
            for (long h = from; h <= from + 3; h++) {
                assertThat(signatures(chain0.commitOf(h).orElseThrow())).as("certificate of %d", h).doesNotContain(addr3);
                assertThat(signatures(chain0.block(h + 1).map(b -> b.lastCommit()).orElse(null)))
                        .as("last_commit of %d", h + 1).doesNotContain(addr3);
            }
            assertThat(state).doesNotExist();
            assertThat(net.node(3).runner.consensus().signingHeldBack()).isTrue();
            // The release rule: once the searched window holds no signature of the key, it may sign (here a window
            // of the 3 heights it sat out; the node's is LOOKBACK_BLOCKS).
            assertThat(SignHistoryCheck.holdBack(net.node(3).runner.chain(), addr3, null, 3)).isEmpty();
            assertThat(SignHistoryCheck.holdBack(net.node(3).runner.chain(), addr3, null,
                    SignHistoryCheck.LOOKBACK_BLOCKS)).isPresent();
        }
    }

    private static boolean signedAfter(Chain chain, String address, long height) {
        long head = chain.head().header().height();
        for (long h = height + 1; h <= head; h++) {
            if (signatures(chain.commitOf(h).orElse(null)).contains(address)) return true;
        }
        return false;
    }

    private static List<String> signatures(JsonNode certificate) {
        if (certificate == null) return List.of();
        List<String> out = new ArrayList<>();
        for (JsonNode s : certificate.path("signatures")) out.add(s.path("validator_address").asText());
        return out;
    }
}
