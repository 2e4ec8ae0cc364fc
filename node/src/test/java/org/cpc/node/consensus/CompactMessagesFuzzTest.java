package org.cpc.node.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.consensus.Proposal;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A compact-proposal payload on the consensus channel, read as {@link CompactProposals#receive} does. The contract:
 * a message, or an {@link IllegalArgumentException} (the peer is penalized); a message writes back to one that reads
 * equal, and a compact proposal's hashes give its header's tx root (checked by the codec) and its bodies are listed.
 */
class CompactMessagesFuzzTest {
    static final CompactMessages CODEC = new CompactMessages(16);

    @FuzzTest
    void message(byte[] payload) {
        CompactMessages.Message m;
        try {
            m = CODEC.fromJson(Json.parse(payload));
        } catch (IllegalArgumentException refused) {
            return;
        }
        switch (m) {
            case CompactMessages.Compact c -> {
                assertThat(c.txHashes()).containsAll(c.bodies().stream().map(Transaction::hashHex).toList());
                Proposal<Block> p = c.proposal(c.skeleton());
                assertThat(CODEC.fromJson(CompactMessages.toJson(p, c.txHashes(), c.bodies()))).isEqualTo(c);
            }
            case CompactMessages.GetTxs g -> assertThat(CODEC.fromJson(CompactMessages.toJson(g))).isEqualTo(g);
            case CompactMessages.Txs t -> assertThat(CODEC.fromJson(CompactMessages.toJson(t))).isEqualTo(t);
        }
    }

    // ---- seed corpus ----

    static Map<String, byte[]> seeds() {
        CompactMessagesTest t = new CompactMessagesTest();
        Map<String, String> s = new LinkedHashMap<>();
        s.put("compact", t.json(List.of(t.txs.get(1))).toString());
        s.put("compact-no-bodies", t.json(List.of()).toString());
        ObjectNode wrongRoot = t.json(List.of());
        ((ArrayNode) wrongRoot.get("tx_hashes")).remove(0);
        s.put("compact-wrong-root", wrongRoot.toString());
        s.put("compact-version-2", t.json(List.of()).put("version", 2).toString());
        s.put("get-txs", CompactMessages.toJson(new CompactMessages.GetTxs(t.block.hashHex(), t.hashes)).toString());
        s.put("txs", CompactMessages.toJson(new CompactMessages.Txs(t.block.hashHex(), t.txs)).toString());
        s.put("txs-empty", CompactMessages.toJson(new CompactMessages.Txs(t.block.hashHex(), List.of())).toString());
        s.put("get-txs-not-array", "{\"type\":\"get_txs\",\"version\":1,\"block_hash\":\"00\",\"hashes\":{}}");
        return FuzzSeeds.utf8(s);
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "message", seeds());
    }
}
