package org.cpc.protocol.types;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.fuzz.FuzzSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A transaction as it arrives from outside: the body of {@code POST /tx/send} and a payload on the P2P TX channel,
 * both read as {@code Transaction.fromJson(Json.parse(bytes))}. The contract: a transaction or an
 * {@link IllegalArgumentException} naming what is wrong — and a transaction that decodes has a canonical form (JCS),
 * so that its hash and size, which the node computes next, exist. The canonical bytes decode to the same
 * transaction, and so does the form a node relays to its peers ({@code toJson().toString()}).
 */
class TransactionJsonFuzzTest {

    @FuzzTest
    void transaction(byte[] json) {
        Transaction tx;
        try {
            tx = Transaction.fromJson(Json.parse(json));
        } catch (IllegalArgumentException refused) {
            return;
        }
        byte[] canonical = Jcs.canonicalize(tx.toJson());
        assertThat(tx.encodedSize()).isEqualTo(canonical.length);
        assertThat(tx.hashHex()).hasSize(64);
        roundTrips(tx, canonical);
    }

    /** {@code canonical} is a fixed point: it and the relayed form decode to a transaction with the same JCS. */
    static void roundTrips(Transaction tx, byte[] canonical) {
        Transaction again = Transaction.fromJson(Json.parse(canonical));
        assertThat(Jcs.canonicalize(again.toJson())).isEqualTo(canonical);
        assertThat(again.hashHex()).isEqualTo(tx.hashHex());
        Transaction relayed = Transaction.fromJson(Json.parse(tx.toJson().toString().getBytes(UTF_8)));
        assertThat(Jcs.canonicalize(relayed.toJson())).isEqualTo(canonical);
    }

    // ---- seed corpus ----

    static final String TRANSFER = """
            {"chain_id":"cpc-devnet-1","tx_type":"TRANSFER","from_address":"cpc1lxvp7agw998t68qm76ek6t20gh320yrs6jw5h9",\
            "to_address":"cpc187fefza3704syhadgplfqyptdaqssue9uv7mum","amount":"5000000000000000000","fee":"21000000",\
            "nonce":0,"gas_price":1000,"gas_limit":21000,"timestamp":1700000000,\
            "pub_key":"032a5bbcb0eede528e6abe5f2ec50ad7887eb5677af383a460b05ee23bf892dfe5","payload":{},\
            "signature":"8fc083f56a4e8436dfa3b09505f6f35b76acd1a3e0d242ddb82584c919df309304027081f8f047018af538a84ddad88d31d4b7b1dba2d1dcbfc1bcad2b8d1f59"}""";

    static String with(String field, String value) {
        JsonNode n = Json.parse(TRANSFER);
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).set(field, Json.parse(value));
        return n.toString();
    }

    static Map<String, byte[]> seeds() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("transfer", TRANSFER);
        s.put("transfer-pretty", Json.pretty(Json.parse(TRANSFER)));
        s.put("unsigned", with("signature", "null"));
        s.put("no-recipient", with("to_address", "null"));
        s.put("submit-result", with("tx_type", "\"SUBMIT_RESULT\"").replace("\"payload\":{}",
                "\"payload\":{\"block_height\":12,\"seed\":\"00ff\",\"rows\":[1,2,3],\"proof\":{\"path\":[\"ab\",\"cd\"]}}"));
        s.put("create-task", with("tx_type", "\"CREATE_TASK\"").replace("\"payload\":{}",
                "\"payload\":{\"challenge_type\":\"matmul\",\"a\":\"" + "a".repeat(64) + "\",\"m\":64,\"deadline\":null}"));
        s.put("cancel-task", with("tx_type", "\"CANCEL_TASK\""));
        s.put("payload-fraction", with("payload", "{\"x\":1.5}"));
        s.put("payload-integral-decimal", with("payload", "{\"x\":2.0,\"y\":1e3}"));
        // Found by fuzzing (the timeout-* input beside these): turning 1e700000000 into an integer took minutes.
        s.put("payload-huge-exponent", with("payload", "{\"x\":1e700000000}"));
        s.put("payload-tiny-exponent", with("payload", "{\"x\":-1E-700000000}"));
        s.put("payload-big-integer", with("payload", "{\"x\":9007199254740993}"));
        s.put("payload-escapes", with("payload", "{\"s\":\"tab\\t nl\\n quote\\\" \\u0001 é \\ud83d\\ude00\"}"));
        // Escaped in the JSON text: the parser gives a string with a lone surrogate, which has no UTF-8 form.
        s.put("payload-lone-surrogate", TRANSFER.replace("\"payload\":{}", "\"payload\":{\"s\":\"\\ud800\"}"));
        s.put("chain-id-lone-surrogate", TRANSFER.replace("cpc-devnet-1", "\\udc00cpc"));
        s.put("duplicate-key", TRANSFER.replace("\"nonce\":0,", "\"nonce\":0,\"nonce\":1,"));
        s.put("unknown-field", with("memo", "\"hi\""));
        s.put("nonce-negative", with("nonce", "-1"));
        s.put("nonce-unsafe", with("nonce", "9007199254740992"));
        s.put("amount-leading-zero", with("amount", "\"0100\""));
        s.put("amount-number", with("amount", "100"));
        s.put("amount-too-big", with("amount", "\"" + "9".repeat(78) + "\""));
        s.put("pub-key-uppercase", with("pub_key", "\"032A\""));
        s.put("deep-nesting", TRANSFER.replace("\"payload\":{}", "\"payload\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"));
        s.put("trailing-tokens", TRANSFER + " {}");
        s.put("not-an-object", "[1,2,3]");
        s.put("truncated", TRANSFER.substring(0, 100));
        s.put("bad-utf8", "{\"chain_id\":\"\u00ff\"}");
        Map<String, byte[]> out = new LinkedHashMap<>();
        s.forEach((k, v) -> out.put(k, v.getBytes(UTF_8)));
        out.put("bad-utf8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, 0x28, '"', '}'});
        return out;
    }

    @Test
    @EnabledIfSystemProperty(named = FuzzSeeds.PROPERTY, matches = "true")
    void writeSeeds() throws IOException {
        FuzzSeeds.write(getClass(), "transaction", seeds());
    }
}
