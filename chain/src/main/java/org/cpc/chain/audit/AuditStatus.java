package org.cpc.chain.audit;

import org.cpc.protocol.codec.WireName;

/** Where a synthetic result stands with the full audit (docs/protocol.md, "Audits of synthetic results"). */
public enum AuditStatus implements WireName {
    /** Not selected by a random audit nor challenged (yet). */
    UNAUDITED,
    /** Selected by a random audit; waits in the audit queue for a block's audit budget. */
    QUEUED,
    /** Recomputed in full: result_hash is the root of the true C. */
    PASSED,
    /** Recomputed in full: result_hash is not the root of the true C; the worker's bond was slashed. */
    FAILED;

    public boolean done() {
        return this == PASSED || this == FAILED;
    }

    static AuditStatus parse(String s) {
        return WireName.of(AuditStatus.class, s, "audit status");
    }
}
