package org.cpc.chain.audit;

/** Where a synthetic result stands with the full audit (docs/protocol.md, "Audits of synthetic results"). */
public enum AuditStatus {
    /** Not selected by a random audit nor challenged (yet). */
    UNAUDITED,
    /** Selected by a random audit; waits in the audit queue for a block's audit budget. */
    QUEUED,
    /** Recomputed in full: result_hash is the root of the true C. */
    PASSED,
    /** Recomputed in full: result_hash is not the root of the true C; the worker's bond was slashed. */
    FAILED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean done() {
        return this == PASSED || this == FAILED;
    }

    static AuditStatus parse(String s) {
        for (AuditStatus a : values()) if (a.wire().equals(s)) return a;
        throw new IllegalArgumentException("audit status '" + s + "'");
    }
}
