package org.cpc.node.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.junit.jupiter.api.Test;

/** The SNAPSHOT channel's messages round-trip, and what is malformed or over a bound is refused with the reason. */
class SnapshotMessageTest {
    static final String H = "ab".repeat(32);

    static SnapshotMessage decode(String json) {
        return SnapshotMessage.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requestsAndAnswersRoundTrip() {
        SnapshotManifest m = new SnapshotManifest(1, 40, H, H, 7, 4096, List.of(H, H));
        for (SnapshotMessage msg : List.of(new SnapshotMessage.ListSnapshots(), new SnapshotMessage.Snapshots(List.of(m)),
                new SnapshotMessage.GetChunk(40, 1), new SnapshotMessage.GetLightBlock(39),
                new SnapshotMessage.LightBlockReply(39, null, null, null))) {
            assertThat(SnapshotMessage.decode(msg.encode())).isEqualTo(msg);
        }
        SnapshotMessage.Chunk c = (SnapshotMessage.Chunk) SnapshotMessage.decode(
                new SnapshotMessage.Chunk(40, 1, new byte[] {1, 2, 3}).encode());
        assertThat(c.data()).containsExactly(1, 2, 3);
        assertThat(((SnapshotMessage.Chunk) SnapshotMessage.decode(new SnapshotMessage.Chunk(40, 1, null).encode())).data())
                .isNull();
    }

    @Test
    void malformedOrUnboundedMessagesAreRefused() {
        assertThatThrownBy(() -> decode("{\"type\":\"get_chunk\",\"height\":4,\"index\":99999}"))
                .hasMessageContaining("chunk index over");
        assertThatThrownBy(() -> decode("{\"type\":\"get_light_block\",\"height\":0}")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> decode("{\"type\":\"list_snapshots\",\"extra\":1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decode("{\"type\":\"chunk\",\"height\":4,\"index\":0,\"data\":\"not base64!\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decode("{\"type\":\"light_block\",\"height\":4,\"block\":null,\"commit\":{},\"validators\":null}"))
                .hasMessageContaining("without a block");
        assertThatThrownBy(() -> decode("{\"type\":\"snapshots\",\"snapshots\":[{},{},{},{},{}]}"))
                .hasMessageContaining("at most 4");
        assertThatThrownBy(() -> decode("{\"type\":\"teleport\"}")).hasMessageContaining("unknown snapshot message type");
        // a manifest is strict too: format, chunk size bounds, hash form
        String bad = "{\"type\":\"snapshots\",\"snapshots\":[{\"format\":1,\"height\":4,\"block_hash\":\"" + H
                + "\",\"state_root\":\"" + H + "\",\"entries\":1,\"chunk_bytes\":10,\"chunks\":[\"" + H + "\"]}]}";
        assertThatThrownBy(() -> decode(bad)).hasMessageContaining("chunk_bytes must be");
        assertThatThrownBy(() -> decode(bad.replace("\"chunk_bytes\":10", "\"chunk_bytes\":4096").replace("\"format\":1", "\"format\":2")))
                .hasMessageContaining("snapshot format 2");
        assertThatThrownBy(() -> decode(bad.replace("\"chunk_bytes\":10", "\"chunk_bytes\":4096").replace("\"chunks\":[\"" + H, "\"chunks\":[\"XY")))
                .hasMessageContaining("64 lowercase hex");
    }
}
