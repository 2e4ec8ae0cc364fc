package org.cpc.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;

class CodecTest {
    @Test
    void jcsSortsByUtf16AndEscapesLikeEcmascript() {
        // RFC 8785 section 3.2.3 sorting example (code-unit order, not code-point order).
        String in = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        String out = Jcs.canonicalString(Json.parse(in));
        assertThat(out).isEqualTo("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":"
                + "\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\","
                + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
        assertThat(Jcs.canonicalString(Json.parse("{\"a\":\"\\u0001\\\"\\\\/\",\"b\":[true,false,null,-5]}")))
                .isEqualTo("{\"a\":\"\\u0001\\\"\\\\/\",\"b\":[true,false,null,-5]}");
    }

    @Test
    void jcsRefusesWhatItCannotWriteExactly() {
        assertThatThrownBy(() -> Jcs.canonicalize(Json.parse("{\"a\":1.5}"))).hasMessageContaining("fractional");
        assertThatThrownBy(() -> Jcs.canonicalize(Json.parse("{\"a\":9007199254740993}"))).hasMessageContaining("2^53");
        assertThat(Jcs.canonicalString(Json.parse("{\"a\":2.0}"))).isEqualTo("{\"a\":2}");
    }

    /** Found by TransactionJsonFuzzTest: converting 1e700000000 to an integer took minutes of CPU per transaction. */
    @Test
    @org.junit.jupiter.api.Timeout(5)
    void jcsSizesANumberByItsExponentBeforeConvertingIt() {
        assertThatThrownBy(() -> Jcs.canonicalize(Json.parse("[1e700000000]"))).hasMessageContaining("beyond 2^53 - 1");
        assertThatThrownBy(() -> Jcs.canonicalize(Json.parse("[1e-700000000]"))).hasMessageContaining("fractional");
        assertThatThrownBy(() -> Jcs.canonicalize(Json.parse("[-9.007199254740992e15]"))).hasMessageContaining("beyond");
        assertThat(new String(Jcs.canonicalize(Json.parse("[1e3,-2.50e1,0.0,9.007199254740991e15,0e999999]"))))
                .isEqualTo("[1000,-25,0,9007199254740991,0]");
    }

    @Test
    void decodersNameWhereAValueHasNoCanonicalForm() {
        assertThatThrownBy(() -> Jcs.requireCanonical(Json.parse("{\"a\":[1,{\"b\":\"\\ud800\"}]}"), "tx"))
                .hasMessage("tx.a[1].b: string contains a lone surrogate at index 0");
        assertThatThrownBy(() -> Jcs.requireCanonical(Json.parse("{\"p\":{\"x\":1.5}}"), "tx"))
                .hasMessage("tx.p.x: fractional number 1.5 is not allowed; the protocol uses integers only");
        Jcs.requireCanonical(Json.parse("{\"a\":[1,true,null,\"\\ud83d\\ude00\"]}"), "tx");
    }

    @Test
    void strictJsonRefusesDuplicateKeysAndTrailingGarbage() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageContaining("malformed JSON");
    }

    @Test
    void amountsNeverRound() {
        assertThat(Amounts.parseCpc("10.0")).isEqualTo(new BigInteger("10000000000000000000"));
        assertThat(Amounts.parseCpc("0.000000000000000001")).isEqualTo(BigInteger.ONE);
        assertThat(Amounts.formatCpc(BigInteger.ONE)).isEqualTo("0.000000000000000001");
        assertThat(Amounts.formatCpc(Amounts.cpc(10))).isEqualTo("10.0");
        assertThat(Amounts.formatCpc(new BigInteger("1500000000000000000"))).isEqualTo("1.5");
        assertThatThrownBy(() -> Amounts.parseCpc("0.0000000000000000001")).hasMessageContaining("more than 18 decimals");
        assertThatThrownBy(() -> Amounts.parseCpc("-1")).hasMessageContaining("no sign");
        assertThatThrownBy(() -> Amounts.parseWei("01")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> Amounts.parseWei("1e18")).hasMessageContaining("not decimal wei");
        assertThatThrownBy(() -> Amounts.parseWei(BigInteger.ONE.shiftLeft(256).toString())).hasMessageContaining("2^256");
    }

    @Test
    void transactionReaderNamesTheFieldThatIsWrong() {
        String ok = Vectors.protocol().get("transactions").get(0).get("tx").toString();
        assertThatThrownBy(() -> Transaction.fromJson(Json.parse(ok.replace("\"TRANSFER\"", "\"MINT\""))))
                .hasMessageContaining("unknown tx_type 'MINT'");
        assertThatThrownBy(() -> Transaction.fromJson(Json.parse(ok.replace("\"nonce\":0", "\"nonce\":-1"))))
                .hasMessageContaining("transaction.nonce");
        assertThatThrownBy(() -> Transaction.fromJson(Json.parse(ok.replace("\"nonce\":0", "\"nonce\":0,\"extra\":1"))))
                .hasMessageContaining("unknown field 'extra'");
        assertThatThrownBy(() -> Transaction.fromJson(Json.parse(ok.replace("\"amount\":\"5000000000000000000\"", "\"amount\":5"))))
                .hasMessageContaining("transaction.amount");
        assertThatThrownBy(() -> Transaction.fromJson(Json.parse(ok.replace("\"fee\":\"21000000\",", ""))))
                .hasMessageContaining("missing field 'fee'");
    }
}
