package org.cpc.compute.market;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.Test;

class ChallengeTypeTest {
    private static final String H = "ab".repeat(32);
    private static final String ROOTS = "\"a_root\":\"" + H + "\",\"b_root\":\"" + H + "\",";

    @Test
    void matmulSplitsRowsIntoJobs() {
        var p = Json.parse("{\"a\":\"" + H + "\",\"b\":\"" + H + "\"," + ROOTS + "\"m\":1000,\"k\":64,\"n\":32,\"rows_per_job\":128}");
        ChallengeType t = ChallengeType.require("matmul");
        t.validatePayload(p);
        assertThat(t.jobCount(p)).isEqualTo(8); // 7 full blocks of 128 rows and one of 104
    }

    @Test
    void jobAndVerificationCostsFollowTheShapeOfEachJob() {
        var p = Json.parse("{\"a\":\"" + H + "\",\"b\":\"" + H + "\"," + ROOTS + "\"m\":1000,\"k\":64,\"n\":32,\"rows_per_job\":128}");
        ChallengeType t = ChallengeType.require("matmul");
        assertThat(t.jobMacs(p, 0)).isEqualTo(128L * 64 * 32);
        assertThat(t.jobMacs(p, 7)).isEqualTo(104L * 64 * 32); // the last, short block
        assertThat(t.verifyMacs(p, 0)).isEqualTo(2L * 128 * (64 + 32)); // Freivalds, two rounds
        var s = Json.parse("{\"seed\":\"" + H + "\",\"matrix_size\":64,\"iterations\":5}");
        ChallengeType syn = ChallengeType.require("synthetic");
        assertThat(syn.jobMacs(s, 3)).isEqualTo(64L * 64 * 64);
        assertThat(syn.verifyMacs(s, 3)).isEqualTo(32L * 64 * 64); // 32 challenged rows
        var tiny = Json.parse("{\"seed\":\"" + H + "\",\"matrix_size\":2,\"iterations\":1}");
        assertThat(syn.verifyMacs(tiny, 0)).isEqualTo(8); // n < 32: every row is checked
    }

    @Test
    void syntheticHasOneJobPerIteration() {
        var p = Json.parse("{\"seed\":\"" + H + "\",\"matrix_size\":64,\"iterations\":5}");
        ChallengeType.require("synthetic").validatePayload(p);
        assertThat(ChallengeType.require("synthetic").jobCount(p)).isEqualTo(5);
    }

    @Test
    void badPayloadsNameTheField() {
        ChallengeType m = ChallengeType.require("matmul");
        assertThatThrownBy(() -> m.validatePayload(Json.parse("{\"a\":\"x\",\"b\":\"" + H + "\"," + ROOTS + "\"m\":1,\"k\":1,\"n\":1,\"rows_per_job\":1}")))
                .hasMessageContaining("payload.a");
        assertThatThrownBy(() -> m.validatePayload(Json.parse("{\"a\":\"" + H + "\",\"b\":\"" + H + "\"," + ROOTS + "\"m\":100000,\"k\":1,\"n\":1,\"rows_per_job\":1}")))
                .hasMessageContaining("payload.m");
        assertThatThrownBy(() -> m.validatePayload(Json.parse("{\"a\":\"" + H + "\",\"b\":\"" + H + "\"," + ROOTS + "\"m\":20000,\"k\":1,\"n\":1,\"rows_per_job\":1}")))
                .hasMessageContaining("jobs");
        assertThatThrownBy(() -> m.validatePayload(Json.parse("{\"a\":\"" + H + "\",\"b\":\"" + H + "\"," + ROOTS + "\"m\":1,\"k\":16385,\"n\":1,\"rows_per_job\":1}")))
                .hasMessageContaining("payload.k must be an integer in [1, 16384]");
        assertThatThrownBy(() -> m.validatePayload(Json.parse("{\"a\":\"" + H + "\",\"b\":\"" + H + "\",\"a_root\":\"" + H + "\",\"m\":1,\"k\":1,\"n\":1,\"rows_per_job\":1}")))
                .hasMessageContaining("missing 'b_root'");
        assertThatThrownBy(() -> m.validatePayload(Json.parse("{\"a\":\"" + H + "\"}"))).hasMessageContaining("missing 'b'");
        assertThatThrownBy(() -> ChallengeType.require("training")).hasMessageContaining("unknown challenge_type 'training'");
        assertThatThrownBy(() -> ChallengeType.require("synthetic").validatePayload(
                Json.parse("{\"seed\":\"" + H + "\",\"matrix_size\":64,\"iterations\":0}"))).hasMessageContaining("iterations");
    }
}
