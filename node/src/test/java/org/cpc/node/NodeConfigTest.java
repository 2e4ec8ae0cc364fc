package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** node.json: P2P settings round-trip, an old file without them still loads, bad addresses are refused by name. */
class NodeConfigTest {
    @TempDir
    Path dir;

    @Test
    void p2pSettingsRoundTrip() {
        NodeConfig c = new NodeConfig("127.0.0.1", 8000, "validator", null, "1000.0", null,
                new NodeConfig.P2p("0.0.0.0:26656", "203.0.113.7:26656", List.of("10.0.0.2:26656", "[::1]:26657"), 20, 5));
        c.write(dir);
        NodeConfig read = NodeConfig.read(dir);
        assertThat(read).isEqualTo(c);
        assertThat(read.p2p().peerAddresses()).extracting(a -> a.getHostString() + "/" + a.getPort())
                .containsExactly("10.0.0.2/26656", "0:0:0:0:0:0:0:1/26657");
    }

    @Test
    void aNodeJsonWrittenBeforeP2pLoadsWithP2pOff() throws Exception {
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":"validator","faucet_key":null,
                 "faucet_max_cpc":"1000.0"}""");
        NodeConfig c = NodeConfig.read(dir);
        assertThat(c.p2p()).isEqualTo(NodeConfig.P2p.NONE);
        assertThat(c.p2p().enabled()).isFalse();
    }

    @Test
    void badAddressesAreRefusedNamingTheField() throws Exception {
        assertThatThrownBy(() -> NodeConfig.P2p.listening("localhost"))
                .hasMessageContaining("p2p_listen 'localhost' must be host:port");
        assertThatThrownBy(() -> NodeConfig.P2p.listening("127.0.0.1:0").withPeers(List.of("10.0.0.1:99999")))
                .hasMessageContaining("p2p_peers '10.0.0.1:99999'");
        assertThatThrownBy(() -> NodeConfig.P2p.NONE.withPeers(List.of("10.0.0.1:1")))
                .hasMessageContaining("need p2p_listen");
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":null,"faucet_key":null,
                 "faucet_max_cpc":"1000.0","p2p_listen":"127.0.0.1:26656","p2p_peers":"10.0.0.1:26656"}""");
        assertThatThrownBy(() -> NodeConfig.read(dir)).hasMessageContaining("node.json")
                .hasMessageContaining("p2p_peers must be an array");
    }

    @Test
    void snapshotSettingsRoundTripDefaultAndAreBounded() throws Exception {
        NodeConfig c = new NodeConfig("127.0.0.1", 8000, null, null, "1.0", null, NodeConfig.P2p.NONE)
                .withSnapshots(new NodeConfig.Snapshots(500, 5));
        c.write(dir);
        assertThat(NodeConfig.read(dir)).isEqualTo(c);
        assertThat(NodeConfig.read(dir).snapshots()).isEqualTo(new NodeConfig.Snapshots(500, 5));
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":null,"faucet_key":null,
                 "faucet_max_cpc":"1.0"}""");
        assertThat(NodeConfig.read(dir).snapshots()).isEqualTo(NodeConfig.Snapshots.DEFAULT);
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":null,"faucet_key":null,
                 "faucet_max_cpc":"1.0","snapshot_keep":0}""");
        assertThatThrownBy(() -> NodeConfig.read(dir)).hasMessageContaining("node.json")
                .hasMessageContaining("snapshot_keep must be 1..100, not 0");
        assertThatThrownBy(() -> StartOptions.DEFAULTS.withSnapshots(-1L, null, 1 << 20))
                .hasMessageContaining("--snapshot-interval must be 0 (none) or more");
    }
}
