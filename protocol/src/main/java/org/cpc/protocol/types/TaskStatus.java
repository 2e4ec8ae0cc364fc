package org.cpc.protocol.types;

import java.util.EnumSet;
import java.util.Set;
import org.cpc.protocol.codec.WireName;

/**
 * A market task's status: one vocabulary for L1 ({@code GET /task/{id}} on a node) and for the Task Market
 * ({@code GET /tasks/{id}} on a PoC validator).
 *
 * <pre>
 *   publishing ──CREATE_TASK in a block──▶ pending ──first job accepted──▶ in_progress ──last job──▶ completed
 *        │                                    │  └────────── last job (a 1-job task) ─────────────────────▲
 *        │                                    ├──CANCEL_TASK by the creator──▶ cancelled
 *        └──L1 refused the CREATE_TASK──▶ failed ◀──deadline passed (pending or in_progress)
 * </pre>
 *
 * {@code publishing} exists only in the Task Market: the PoC validator has the task, L1 has not included its
 * CREATE_TASK yet (L1 does not know the task at all). On L1 a job is "accepted" when its SUBMIT_RESULT is in a block;
 * in the Task Market when the PoC validator has verified it, which comes first. {@code completed} in the Task Market
 * also waits for every job to be on chain and the result to be merged. The last three statuses are final.
 */
public enum TaskStatus implements WireName {
    PUBLISHING,
    PENDING,
    IN_PROGRESS,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** True while jobs may still be accepted (pending or in_progress). */
    public boolean open() {
        return this == PENDING || this == IN_PROGRESS;
    }

    /** True for completed, failed and cancelled: nothing moves a task out of them. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The statuses this one may move to; the diagram above. */
    public Set<TaskStatus> next() {
        return switch (this) {
            case PUBLISHING -> EnumSet.of(PENDING, FAILED, CANCELLED);
            case PENDING -> EnumSet.of(IN_PROGRESS, COMPLETED, CANCELLED, FAILED);
            // CANCELLED from IN_PROGRESS happens only in the Task Market: L1 took the creator's cancel while the task
            // was pending, and the PoC validator, which lost its record of that in a crash, learns it late.
            case IN_PROGRESS -> EnumSet.of(COMPLETED, FAILED, CANCELLED);
            case COMPLETED, FAILED, CANCELLED -> EnumSet.noneOf(TaskStatus.class);
        };
    }

    /**
     * This status's successor {@code to}, or an {@link IllegalStateException} naming the illegal move: a bug, never
     * an input error, since every caller checks its rule first.
     */
    public TaskStatus moveTo(TaskStatus to) {
        if (!next().contains(to)) throw new IllegalStateException("a task cannot go from " + wire() + " to " + to.wire());
        return to;
    }

    public static TaskStatus ofWire(String s) {
        return WireName.of(TaskStatus.class, s, "task status");
    }
}
