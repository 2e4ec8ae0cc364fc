package org.cpc.node.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cpc.node.FuzzBlocks;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Blocks from peers in block sync: one entry of a {@code blocks} reply, {@code {"block":{…},"commit":{…}}}, read by
 * {@link BlockSync.Synced#fromJson} before the certificate is verified and the block committed. The contract: a
 * block with its certificate, or an {@link IllegalArgumentException} (the peer is penalized). What decodes is
 * written back the same way it is stored ({@code chain.commit(block, cert.toJson())}) and reads back equal.
 */
class BlockSyncFuzzTest {

    @FuzzTest
    void blocksEntry(byte[] json) {
        BlockSync.Synced s;
        try {
            s = BlockSync.Synced.fromJson(Json.parse(json));
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(s.cert().blockHash()).isEqualTo(s.block().hashHex());
        ObjectNode stored = Json.object();
        stored.set("block", s.block().toJson());
        stored.set("commit", s.cert().toJson());
        BlockSync.Synced again = BlockSync.Synced.fromJson(Json.parse(Jcs.canonicalize(stored)));
        assertThat(again).isEqualTo(s);
    }

    // ---- seed corpus ----

    static Map<String, byte[]> seeds() {
        Map<String, String> s = new LinkedHashMap<>();
        for (boolean tx : new boolean[] {false, true}) {
            ObjectNode e = Json.object();
            e.set("block", FuzzBlocks.json(5, tx));
            e.set("commit", Json.parse("{\"round\":0,\"signatures\":[{\"validator_address\":\""
                    + FuzzBlocks.VALIDATOR + "\",\"signature\":\"" + "ab".repeat(40) + "\"}]}"));
            s.put(tx ? "entry-with-tx" : "entry", e.toString());
        }
        String e = s.get("entry");
        s.put("commit-round-too-big", e.replace("\"round\":0", "\"round\":4294967296"));
        s.put("commit-signatures-object", e.replaceFirst("\"signatures\":\\[.*]", "\"signatures\":{}"));
        s.put("commit-missing", "{\"block\":" + FuzzBlocks.json(5, false) + "}");
        s.put("extra-field", e.replaceFirst("^\\{", "{\"x\":1,"));
        s.put("block-hash-mismatch", e.replaceFirst("\"hash\":\"[0-9a-f]+\"", "\"hash\":\"" + "0".repeat(64) + "\""));
        s.put("block-huge-exponent", s.get("entry-with-tx").replace("\"payload\":{}", "\"payload\":{\"n\":1e99999999}"));
        s.put("height-negative", e.replace("\"height\":5", "\"height\":-5"));
        return FuzzSeeds.utf8(s);
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "blocksEntry", seeds());
    }
}
