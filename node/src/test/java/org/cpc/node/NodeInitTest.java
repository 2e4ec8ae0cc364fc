package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cpc.chain.Genesis;
import org.cpc.chain.ValidatorInfo;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.types.Amounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data dirs of one- and many-validator networks, as the generator writes them and a node reads them back. */
class NodeInitTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedNetworkGivesEachNodeItsOwnKeyOneGenesisAndEveryOtherNodeAsPeer() {
        List<NodeInit.Member> members = NodeInit.localMembers(dir, List.of(1L, 2L, 3L), 18100, 26700);
        List<NodeInit.Result> nodes = NodeInit.network(TestNode.params(), members, NodeInit.DEFAULT_VALIDATOR_KEY,
                null, 1_700_000_000_000L);

        assertThat(nodes).hasSize(3);
        Genesis genesis = NodeInit.readGenesis(nodes.getFirst().dataDir().genesis());
        assertThat(genesis.validators()).extracting(ValidatorInfo::power).containsExactly(1L, 2L, 3L);
        for (int i = 0; i < 3; i++) {
            DataDir d = new DataDir(NodeInit.nodeDir(dir, i));
            assertThat(d.initialised()).isTrue();
            assertThat(NodeInit.readGenesis(d.genesis())).isEqualTo(genesis);
            NodeConfig c = NodeConfig.read(d.root());
            assertThat(c.restPort()).isEqualTo(18100 + i);
            assertThat(c.p2p().listen()).isEqualTo("127.0.0.1:" + (26700 + i));
            assertThat(c.p2p().peers()).hasSize(2).doesNotContain(c.p2p().listen())
                    .allMatch(p -> p.matches("127\\.0\\.0\\.1:267\\d\\d"));
            // the key in the node's keyring is the one genesis lists at its index, with the operator as reward address
            ValidatorKey key = new Keyring(d.keys()).unlockValidator(c.validatorKey(), c.keyPassword().toCharArray());
            assertThat(genesis.validators().get(i).address()).isEqualTo(key.address());
            assertThat(genesis.validators().get(i).rewardAddress()).isEqualTo(nodes.get(i).operator().address());
            assertThat(c.faucetKey() != null).isEqualTo(i == 0);
        }
        // Operators are allocated exactly what genesis bonds for them (power CPC, and min_poc_bond for node0's
        // operator, the PoC validator): they start with no balance, the faucet with its own.
        assertThat(genesis.balances()).containsOnlyKeys(nodes.getFirst().faucetAddress());
        for (int i = 0; i < 3; i++) {
            assertThat(genesis.alloc().get(nodes.get(i).operator().address())).isEqualTo(Amounts.cpc(i == 0 ? 2 : i + 1));
        }
        assertThat(genesis.validators()).extracting(ValidatorInfo::address).doesNotHaveDuplicates();
    }

    @Test
    void membersOnFreePortsAreNotListedAsPeers() {
        List<NodeInit.Member> members = List.of(new NodeInit.Member(NodeInit.nodeDir(dir, 0), 0, 1, "127.0.0.1:0"),
                new NodeInit.Member(NodeInit.nodeDir(dir, 1), 0, 1, "127.0.0.1:0"),
                new NodeInit.Member(NodeInit.nodeDir(dir, 2), 0, 1, "127.0.0.1:26999"));
        List<NodeInit.Result> nodes = NodeInit.network(TestNode.params(), members, "validator", null, 0);
        assertThat(nodes.get(0).config().p2p().peers()).containsExactly("127.0.0.1:26999");
        assertThat(nodes.get(2).config().p2p().peers()).isEmpty();
    }

    @Test
    void aNetworkOverAnExistingDataDirWritesNothing() throws Exception {
        NodeInit.init(NodeInit.nodeDir(dir, 2), TestNode.params(), null, "validator", 0, null, 0);
        List<NodeInit.Member> members = NodeInit.localMembers(dir, List.of(1L, 1L, 1L), 18100, 26700);
        assertThatThrownBy(() -> NodeInit.network(TestNode.params(), members, "validator", null, 0))
                .hasMessageContaining("node2").hasMessageContaining("already initialised");
        assertThat(Files.exists(NodeInit.nodeDir(dir, 0))).isFalse();
    }

    @Test
    void boundsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> NodeInit.localMembers(dir, List.of(), 8000, 26656)).hasMessageContaining("1..64");
        assertThatThrownBy(() -> NodeInit.localMembers(dir, List.of(1L, 0L), 8000, 26656))
                .hasMessageContaining("power must be at least 1");
        assertThatThrownBy(() -> NodeInit.localMembers(dir, List.of(1L, 1L), 65535, 26656))
                .hasMessageContaining("within 1..65535");
        assertThatThrownBy(() -> NodeInit.network(TestNode.params(), List.of(), "validator", null, 0))
                .hasMessageContaining("1..64");
        assertThat(TestNode.params().withChainId("cpc-x.1").chainId()).isEqualTo("cpc-x.1");
        assertThatThrownBy(() -> TestNode.params().withChainId("Bad Id")).hasMessageContaining("chain id");
    }

    @Test
    void aNodeJsonWithoutP2pFieldsRunsWithoutANetwork() throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":"validator","faucet_key":null,
                 "faucet_max_cpc":"1000.0"}""");
        NodeConfig c = NodeConfig.read(dir);
        assertThat(c.p2p()).isEqualTo(NodeConfig.P2p.NONE);
    }
}
