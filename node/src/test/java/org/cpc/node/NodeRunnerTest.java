package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's life cycle over one data dir: exclusive, resumable, and closed cleanly. */
class NodeRunnerTest {
    @TempDir
    Path dir;

    @Test
    void secondNodeOnTheSameDataDirIsRefusedAndAStoppedChainResumes() throws Exception {
        long height;
        String hash;
        try (TestNode first = TestNode.start(dir)) {
            Thread.sleep(5 * TestNode.BLOCK_MS);
            assertThatThrownBy(() -> TestNode.resume(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            height = first.client.status().path("height").asLong();
            hash = TestNode.json(first.get("/block/" + height)).path("hash").asText();
        }
        assertThat(height).isPositive();
        try (TestNode again = TestNode.resume(dir)) {
            assertThat(TestNode.json(again.get("/block/" + height)).path("hash").asText()).isEqualTo(hash);
            Thread.sleep(3 * TestNode.BLOCK_MS);
            assertThat(again.client.status().path("height").asLong()).isGreaterThan(height);
        }
    }

    @Test
    void initRefusesADataDirThatIsAlreadyInitialised() {
        NodeInit.init(dir, TestNode.params(), null, "validator", 0, null, System.currentTimeMillis());
        assertThatThrownBy(() -> NodeInit.init(dir, TestNode.params(), null, "validator", 0, null, 0))
                .hasMessageContaining("already initialised");
    }
}
