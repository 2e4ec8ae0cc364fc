package org.cpc.poc.core;

import java.util.EnumSet;
import java.util.Set;
import org.cpc.protocol.codec.WireName;

/**
 * Where one job of a market task stands in the PoC validator.
 *
 * <pre>
 *   queued ──handed to a worker──▶ assigned ──output verified──▶ accepted ──SUBMIT_RESULT in a block──▶ included
 *     ▲                               │                              ▲
 *     └──timeout, error, wrong output─┘       (duplicate drawn) ──▶ auditing ──second run agrees or nobody runs it──┘
 *                                                                     └──the first output was wrong──▶ queued
 * </pre>
 *
 * Only {@code accepted} and {@code included} count toward the task. {@code assigned} is never written to disk: after a
 * restart such a job is queued again (its worker's connection is gone with the process).
 */
public enum JobStatus implements WireName {
    QUEUED,
    ASSIGNED,
    /** Verified once; waiting for a second worker's duplicate run to agree. */
    AUDITING,
    /** Verified and counted; its SUBMIT_RESULT is on its way to L1. */
    ACCEPTED,
    /** Its SUBMIT_RESULT is in a block. */
    INCLUDED;

    public boolean counts() {
        return this == ACCEPTED || this == INCLUDED;
    }

    public Set<JobStatus> next() {
        return switch (this) {
            case QUEUED -> EnumSet.of(ASSIGNED, AUDITING, ACCEPTED);
            case ASSIGNED -> EnumSet.of(QUEUED, AUDITING, ACCEPTED);
            case AUDITING -> EnumSet.of(ACCEPTED, QUEUED);
            case ACCEPTED -> EnumSet.of(INCLUDED);
            case INCLUDED -> EnumSet.noneOf(JobStatus.class);
        };
    }

    /** {@code to}, or an {@link IllegalStateException}: a move the diagram does not have is a bug. */
    public JobStatus moveTo(JobStatus to) {
        if (to == this) return this;
        if (!next().contains(to)) throw new IllegalStateException("a job cannot go from " + wire() + " to " + to.wire());
        return to;
    }

    public static JobStatus ofWire(String s) {
        return WireName.of(JobStatus.class, s, "job status");
    }
}
