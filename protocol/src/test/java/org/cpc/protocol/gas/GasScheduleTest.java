package org.cpc.protocol.gas;

import static org.assertj.core.api.Assertions.assertThat;

import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.TxType;
import org.junit.jupiter.api.Test;

/** The gas table of protocol.md, "Transactions". */
class GasScheduleTest {
    private static final NetworkParams DEVNET = NetworkParams.devnet();

    @Test
    void proofGasIsPricedPerMebiMacRoundedUp() {
        // devnet: k = 32, n = 1024: ceil(32·1024² / 2^20) = 32 units of 30,000 gas
        assertThat(GasSchedule.syntheticProofGas(DEVNET)).isEqualTo(32 * 30_000L);
        // 4·8² = 256 MACs is a fraction of one unit, which still costs a whole unit.
        assertThat(GasSchedule.syntheticProofGas(DEVNET.withSynthetic(8, 4))).isEqualTo(30_000L);
    }

    @Test
    void eachTypeCostsWhatTheProtocolSays() {
        assertThat(GasSchedule.intrinsicGas(TxType.TRANSFER, Json.object(), DEVNET)).isEqualTo(21_000);
        assertThat(GasSchedule.intrinsicGas(TxType.SUBMIT_RESULT, Json.object(), DEVNET)).isEqualTo(80_000 + 32 * 30_000);
        assertThat(GasSchedule.intrinsicGas(TxType.CANCEL_TASK, Json.object().put("task_id", "x"), DEVNET))
                .isEqualTo(30_000);
        var task = Json.object().put("task_id", "00000000-0000-4000-8000-000000000001").put("reward", "5");
        assertThat(GasSchedule.intrinsicGas(TxType.CREATE_TASK, task, DEVNET))
                .isEqualTo(60_000 + 16L * Jcs.canonicalize(task).length);
    }

    @Test
    void aChallengePaysForAFullRecomputationAtTheProofsRate() {
        // devnet n = 1024: ceil(1024³ / 2^20) = 1024 units of 30,000 gas, 32 times a spot check's 32 rows
        assertThat(GasSchedule.syntheticAuditGas(DEVNET)).isEqualTo(1024 * 30_000L);
        assertThat(GasSchedule.intrinsicGas(TxType.CHALLENGE_RESULT, Json.object().put("task_id", "x"), DEVNET))
                .isEqualTo(50_000 + 1024 * 30_000L);
        assertThat(GasSchedule.syntheticAuditGas(DEVNET.withSynthetic(8, 4))).isEqualTo(30_000L);
    }

    @Test
    void auditRatesAreBasisPointsByName() {
        var json = DEVNET.toJson();
        assertThat(json.path("audit_rate_bps").asInt()).isEqualTo(2000);
        assertThat(json.path("slash_result_bps").asInt()).isEqualTo(1000);
        assertThat(json.path("challenge_bounty_bps").asInt()).isEqualTo(5000);
        for (String f : new String[] {"audit_rate_bps", "slash_result_bps", "challenge_bounty_bps"}) {
            var bad = DEVNET.toJson();
            bad.put(f, 10_001);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetworkParams.fromJson(bad))
                    .hasMessageContaining(f + " must be 0..10000 basis points, not 10001");
        }
    }

    @Test
    void stakingTypesCostWhatTheProtocolSays() {
        var empty = Json.object();
        assertThat(GasSchedule.intrinsicGas(TxType.STAKE, empty, DEVNET)).isEqualTo(50_000 + 16 * 2);
        var create = Json.object().put("consensus_public_key", "ab").put("pop", "cd");
        assertThat(GasSchedule.intrinsicGas(TxType.STAKE, create, DEVNET))
                .isEqualTo(50_000 + 100_000 + 16L * Jcs.canonicalize(create).length);
        for (TxType t : new TxType[] {TxType.UNSTAKE, TxType.DELEGATE, TxType.UNDELEGATE}) {
            assertThat(GasSchedule.intrinsicGas(t, empty, DEVNET)).isEqualTo(50_000);
        }
        assertThat(GasSchedule.intrinsicGas(TxType.WITHDRAW_REWARDS, empty, DEVNET)).isEqualTo(40_000);
        assertThat(GasSchedule.intrinsicGas(TxType.UNJAIL, empty, DEVNET)).isEqualTo(30_000);
        var name = Json.object().put("name", "v");
        assertThat(GasSchedule.intrinsicGas(TxType.UPDATE_VALIDATOR, name, DEVNET))
                .isEqualTo(30_000 + 16L * Jcs.canonicalize(name).length);
        assertThat(GasSchedule.intrinsicGas(TxType.SUBMIT_EVIDENCE, name, DEVNET))
                .isEqualTo(50_000 + 200_000 + 16L * Jcs.canonicalize(name).length);
    }

    @Test
    void bondTypesCostWhatTheProtocolSays() {
        var worker = Json.object().put("role", "worker");
        assertThat(GasSchedule.intrinsicGas(TxType.BOND, worker, DEVNET))
                .isEqualTo(50_000 + 16L * Jcs.canonicalize(worker).length);
        var poc = Json.object().put("role", "poc_validator").put("endpoint", "https://m.example").put("name", "m");
        assertThat(GasSchedule.intrinsicGas(TxType.BOND, poc, DEVNET))
                .isEqualTo(50_000 + 16L * Jcs.canonicalize(poc).length);
        assertThat(GasSchedule.intrinsicGas(TxType.UNBOND, worker, DEVNET))
                .isEqualTo(50_000 + 16L * Jcs.canonicalize(worker).length);
    }

    @Test
    void bondUnbondingMustOutlastBothWindows() {
        var b = DEVNET.bonds();
        assertThat(b.bondUnbondingBlocks()).isGreaterThan(b.challengeWindow()).isGreaterThan(b.disputeWindow());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new org.cpc.protocol.params.BondParams(20,
                        b.minWorkerBond(), b.minPocBond(), 10, 20, 1000, 2000, 0, 0, 0))
                .hasMessageContaining("bond_unbonding_blocks (20) must be more than challenge_window (10) and"
                        + " dispute_window (20)");
        var json = DEVNET.toJson();
        json.put("challenge_window", json.path("bond_unbonding_blocks").asLong());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.cpc.protocol.params.NetworkParams.fromJson(json))
                .hasMessageContaining("must be more than challenge_window");
    }
}
