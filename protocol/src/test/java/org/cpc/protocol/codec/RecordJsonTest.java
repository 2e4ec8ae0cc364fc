package org.cpc.protocol.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.cpc.protocol.types.TaskStatus;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
    record Inner(BigInteger balanceWei, long maturesHeight) {}

    record Outer(String taskId, int jobsTotal, long createdHeight, boolean jailed, BigInteger reward,
                 TaskStatus status, Integer layer, List<Inner> unbonding, Inner flat) {}

    record WithDouble(double ratio) {}

    record Bytes(byte[] raw, List<byte[]> path) {}

    private static Outer outer(Integer layer, String taskId) {
        return new Outer(taskId, 3, 7L, true, new BigInteger("340282366920938463463374607431768211457"),
                TaskStatus.IN_PROGRESS, layer, List.of(new Inner(BigInteger.TEN, 9)), new Inner(BigInteger.ONE, 2));
    }

    @Test
    void writesEachComponentUnderItsSnakeCaseNameInDeclarationOrder() {
        String json = RecordJson.of(Outer.class).write(outer(4, "t")).toString();
        assertThat(json).isEqualTo("{\"task_id\":\"t\",\"jobs_total\":3,\"created_height\":7,\"jailed\":true,"
                + "\"reward\":\"340282366920938463463374607431768211457\",\"status\":\"in_progress\",\"layer\":4,"
                + "\"unbonding\":[{\"balance_wei\":\"10\",\"matures_height\":9}],"
                + "\"flat\":{\"balance_wei\":\"1\",\"matures_height\":2}}");
    }

    @Test
    void inlineWritesANestedRecordsKeysIntoTheSameObject() {
        var w = RecordJson.of(Outer.class).inline("flat");
        assertThat(new String(Jcs.canonicalize(w.write(outer(4, "t"))), UTF_8))
                .contains("\"balance_wei\":\"1\"").doesNotContain("\"flat\"");
        assertThatThrownBy(() -> RecordJson.of(Outer.class).inline("reward"))
                .hasMessageContaining("Outer.reward is not a record");
    }

    @Test
    void nullsAreWrittenAsJacksonWouldOmittedOrRefusedAsTheClassSays() {
        assertThat(RecordJson.of(Outer.class).write(outer(null, null)).get("layer").isNull()).isTrue();
        assertThat(RecordJson.of(Outer.class).write(outer(null, null)).get("task_id").isNull()).isTrue();
        assertThat(RecordJson.of(Outer.class).omitNull("layer").write(outer(null, "t")).has("layer")).isFalse();
        Outer noStatus = new Outer("t", 1, 1, false, BigInteger.ONE, null, 1, List.of(), new Inner(BigInteger.ONE, 1));
        assertThatThrownBy(() -> RecordJson.of(Outer.class).write(noStatus)).hasMessage("Outer.status is null");
        assertThat(RecordJson.of(Outer.class).nullAsJsonNull("status").write(noStatus).get("status").isNull())
                .isTrue();
    }

    @Test
    void aComponentWithoutAJsonFormOrAnUnknownNameIsRefusedWhenTheWriterIsMade() {
        assertThatThrownBy(() -> RecordJson.of(WithDouble.class)).hasMessageContaining("WithDouble.ratio is a double");
        assertThatThrownBy(() -> RecordJson.of(Outer.class).omitNull("nope")).hasMessageContaining("[nope]");
    }

    @Test
    void bytesAreLowercaseHex() {
        var b = new Bytes(new byte[] {(byte) 0xAB, 1}, List.of(new byte[] {(byte) 0xFF}, new byte[0]));
        assertThat(RecordJson.toJson(b).toString()).isEqualTo("{\"raw\":\"ab01\",\"path\":[\"ff\",\"\"]}");
    }

    @Test
    void snakeCase() {
        assertThat(RecordJson.snake("maxTaskLifetimeS")).isEqualTo("max_task_lifetime_s");
        assertThat(RecordJson.snake("syntheticVerifyGasPerMmac")).isEqualTo("synthetic_verify_gas_per_mmac");
        assertThat(RecordJson.snake("height")).isEqualTo("height");
    }
}
