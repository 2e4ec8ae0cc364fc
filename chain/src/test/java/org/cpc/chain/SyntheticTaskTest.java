package org.cpc.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.chain.exec.SyntheticTask;
import org.cpc.chain.exec.TxRules;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.junit.jupiter.api.Test;

class SyntheticTaskTest {
    static Path vectors() {
        String d = System.getProperty("cpc.vectors.dir");
        Path p = d != null ? Path.of(d) : Path.of("..", "shared", "vectors");
        return Files.isDirectory(p) ? p : Path.of("/work/shared/vectors");
    }

    @Test
    void taskIdAndSeedMatchTheSharedVectors() throws Exception {
        JsonNode all = Json.parse(Files.readAllBytes(vectors().resolve("cpc-protocol-v1.json")));
        int n = 0;
        for (JsonNode v : all.get("synthetic")) {
            String bh = v.get("block_hash").textValue(), w = v.get("worker_address").textValue();
            assertThat(Hex.encode(SyntheticTask.seed(bh, w))).isEqualTo(v.get("seed").textValue());
            assertThat(SyntheticTask.taskId(bh, w)).isEqualTo(v.get("task_id").textValue());
            n++;
        }
        assertThat(n).isPositive();
    }

    @Test
    void proofGasFollowsDesign() {
        // devnet: k = 32, n = 1024: ceil(32·1024² / 2^20) = 32 units of 30,000 gas
        assertThat(TxRules.syntheticProofGas(NetworkParams.devnet())).isEqualTo(32 * 30_000L);
        assertThat(TxRules.syntheticProofGas(NetworkParams.devnet().withSynthetic(8, 4))).isEqualTo(30_000L);
        assertThat(TxRules.maxProofBytes(NetworkParams.devnet())).isEqualTo(32L * 10 * 32);
    }
}
