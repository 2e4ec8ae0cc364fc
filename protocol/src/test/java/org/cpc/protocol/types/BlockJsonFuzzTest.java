package org.cpc.protocol.types;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A block as peers send it (inside consensus proposals and decisions, in block-sync replies) and as the API serves
 * it: {@code Block.fromJson(Json.parse(bytes))}. The contract: a block or an {@link IllegalArgumentException} — and
 * a block that decodes can be hashed (consensus hashes a proposal's block before it checks the signature) and has a
 * canonical form that decodes back to itself, its transactions included.
 */
class BlockJsonFuzzTest {

    @FuzzTest
    void block(byte[] json) {
        Block b;
        try {
            b = Block.fromJson(Json.parse(json));
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertThat(b.hashHex()).hasSize(64);
        // The streamed encoding (stored blocks, WAL records) is byte for byte the tree's.
        try {
            assertThat(b.jsonBytes()).isEqualTo(Json.MAPPER.writeValueAsBytes(b.toJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        byte[] canonical = Jcs.canonicalize(b.toJson());
        Block again = Block.fromJson(Json.parse(canonical));
        assertThat(Jcs.canonicalize(again.toJson())).isEqualTo(canonical);
        assertThat(again.hashHex()).isEqualTo(b.hashHex());
        for (Transaction tx : b.transactions()) {
            TransactionJsonFuzzTest.roundTrips(tx, Jcs.canonicalize(tx.toJson()));
        }
        Roots.txRoot(b.transactions());
    }

    // ---- seed corpus ----

    static ObjectNode header() {
        return new BlockHeader(7, "11".repeat(32), 1_700_000_007L, "cpc-devnet-1",
                "cpcvalcons1lxvp7agw998t68qm76ek6t20gh320yrssakkwx", 0, "22".repeat(32), "33".repeat(32), "",
                21_000, 100_000_000, "44".repeat(32), "44".repeat(32), "", "", null, null).toJson();
    }

    static Map<String, byte[]> seeds() {
        Transaction tx = Transaction.fromJson(Json.parse(TransactionJsonFuzzTest.TRANSFER));
        BlockHeader h = BlockHeader.fromJson(header());
        Block empty = new Block(h, List.of(), "ab".repeat(40));
        Block one = new Block(h, List.of(tx, tx.withSignature(null)), null);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("empty", empty.toJson().toString());
        s.put("two-txs", one.toJson().toString());
        ObjectNode noHash = empty.toJson();
        noHash.remove("hash");
        s.put("no-hash", noHash.toString());
        s.put("with-commit", empty.toJson().set("commit",
                Json.parse("{\"round\":0,\"signatures\":[{\"validator_address\":\"v\",\"signature\":\"ab\"}]}")).toString());
        s.put("wrong-hash", empty.toJson().put("hash", "00".repeat(32)).toString());
        ObjectNode root = empty.toJson();
        ((ObjectNode) root.get("header")).put("compute_root", "44".repeat(32)).put("zk_state_proof", "p");
        root.remove("hash");
        s.put("compute-root", root.toString());
        ObjectNode badRoot = empty.toJson();
        ((ObjectNode) badRoot.get("header")).put("tx_root", "XY".repeat(32));
        s.put("bad-tx-root", badRoot.toString());
        // Escaped in the JSON text: the parser gives a string with a lone surrogate, which has no UTF-8 form.
        s.put("header-lone-surrogate", noHash.toString().replace("cpc-devnet-1", "cpc\\ud800"));
        ObjectNode fraction = one.toJson();
        ((ObjectNode) fraction.get("transactions").get(0)).set("payload", Json.parse("{\"v\":0.5}"));
        s.put("tx-payload-fraction", fraction.toString());
        s.put("transactions-object", empty.toJson().set("transactions", Json.object()).toString());
        s.put("header-missing", "{\"transactions\":[],\"signature\":null}");
        s.put("height-float", empty.toJson().toString().replace("\"height\":7", "\"height\":7.0"));
        return FuzzSeeds.utf8(s);
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "block", seeds());
    }
}
