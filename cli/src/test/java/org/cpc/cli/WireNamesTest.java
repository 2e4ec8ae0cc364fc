package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.cpc.protocol.codec.WireName;
import org.junit.jupiter.api.Test;

/**
 * The wire names of every {@link WireName} enum, written out: they are in state, JSON, key files and sign bytes, and
 * most are derived from the constants' names, so renaming or reordering a constant must fail here first. (The cli
 * module sees every module's enums.)
 */
class WireNamesTest {
    private static <E extends Enum<E> & WireName> List<String> wire(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireName::wire).toList();
    }

    @Test
    void everyEnumKeepsItsWireNames() {
        assertThat(wire(org.cpc.protocol.types.TaskStatus.class))
                .containsExactly("publishing", "pending", "in_progress", "completed", "failed", "cancelled");
        assertThat(wire(org.cpc.protocol.keys.KeyKind.class)).containsExactly("secp256k1", "ml-dsa-65");
        assertThat(wire(org.cpc.consensus.VoteType.class)).containsExactly("prevote", "precommit");
        assertThat(wire(org.cpc.consensus.SignState.Kind.class)).containsExactly("proposal", "prevote", "precommit");
        assertThat(wire(org.cpc.chain.staking.BondRole.class)).containsExactly("worker", "poc_validator");
        assertThat(wire(org.cpc.chain.audit.AuditStatus.class))
                .containsExactly("unaudited", "queued", "passed", "failed");
        assertThat(wire(org.cpc.chain.exec.ResultPayment.Kind.class)).containsExactly("synthetic", "market");
        assertThat(wire(org.cpc.poc.core.JobStatus.class))
                .containsExactly("queued", "assigned", "auditing", "accepted", "included");
        assertThat(wire(org.cpc.compute.market.InferenceFraudProof.Claim.class))
                .containsExactly("accumulator", "output");
    }
}
