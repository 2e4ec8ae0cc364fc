package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cpc.chain.TestKit.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commit certificate is stored with its block in the same write, survives a restart, and is served as is. */
class CommitStorageTest {
    @TempDir
    Path dir;

    final Clock clock = new Clock(GENESIS_MS + 100_000_000L);
    final PrivateKey vkey = validatorKey().getPrivate();

    static ObjectNode cert(int round, String sig) {
        ObjectNode o = Json.object();
        o.put("round", round);
        ObjectNode s = o.putArray("signatures").addObject();
        s.put("validator_address", "cpcvalcons1example");
        s.put("signature", sig);
        return o;
    }

    Block next(LocalChain c) {
        Block head = c.head();
        return BlockSigner.sign(c.propose(c.validators().get(0).address(), 0, head.header().timestamp() + 1000), vkey);
    }

    /** The real certificate of {@code b}: the precommit of the chain's one validator. */
    JsonNode realCert(LocalChain c, Block b) {
        return BlockSigner.soleCommit(b, c.params().chainId(), vkey, c.validators().get(0).address());
    }

    @Test
    void certificateIsStoredWithItsBlockAndSurvivesRestart() throws Exception {
        Genesis g = genesis(2);
        JsonNode c1, c3;
        try (LocalChain c = LocalChain.open(dir, g, options(clock))) {
            assertThat(c.commitOf(0)).isEmpty(); // genesis has none
            Block b1 = next(c);
            c1 = realCert(c, b1);
            c.commit(b1, c1);
            assertThat(next(c).lastCommit()).as("the stored certificate becomes the next block's last_commit")
                    .hasToString(c1.toString());
            Block b2 = next(c);
            c.commit(b2); // a caller without a certificate
            assertThatThrownBy(() -> next(c)).hasMessageContaining("no certificate of block 2");
            Block b3 = BlockSigner.sign(c.propose(c.validators().get(0).address(), 0, b2.header().timestamp() + 1000,
                    realCert(c, b2), List.of()), vkey);
            c3 = realCert(c, b3);
            c.commit(b3, c3);
            assertThat(c.commitOf(1).map(JsonNode::toString)).contains(c1.toString());
            assertThat(c.commitOf(2)).isEmpty();
            assertThat(c.commitOf(3).map(JsonNode::toString)).contains(c3.toString());
            assertThat(c.commitOf(4)).isEmpty();
            assertThat(c.commitOf(-1)).isEmpty();
        }
        try (LocalChain c = LocalChain.open(dir, g, options(clock))) {
            assertThat(c.head().header().height()).isEqualTo(3);
            assertThat(c.commitOf(1).map(JsonNode::toString)).contains(c1.toString());
            assertThat(c.commitOf(3).map(JsonNode::toString)).contains(c3.toString());
            assertThat(c.commitOf(2)).isEmpty();
        }
    }

    @Test
    void invalidBlockStoresNoCertificate() throws Exception {
        try (LocalChain c = LocalChain.open(dir, genesis(2), options(clock))) {
            Block b = next(c);
            Block unsigned = new Block(b.header(), b.transactions(), null);
            assertThatThrownBy(() -> c.commit(unsigned, cert(0, "aa"))).isInstanceOf(InvalidBlockException.class);
            assertThat(c.commitOf(1)).isEmpty();
            assertThatThrownBy(() -> c.commit(b, Json.NODES.arrayNode())).isInstanceOf(IllegalArgumentException.class);
            assertThat(c.head().header().height()).isZero();
        }
    }

    @Test
    void blockJsonAcceptsTheServedCommitFieldAndNothingElseExtra() throws Exception {
        try (LocalChain c = LocalChain.open(dir, genesis(2), options(clock))) {
            Block b = next(c);
            ObjectNode served = b.toJson();
            served.set("commit", cert(0, "aa"));
            assertThat(Block.fromJson(served)).isEqualTo(b);
            served.putNull("commit");
            assertThat(Block.fromJson(served)).isEqualTo(b);
            served.put("other", 1);
            assertThatThrownBy(() -> Block.fromJson(served)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
