package org.cpc.chain.market;

/**
 * A market task's status. {@code pending} until its first job is accepted, {@code in_progress} until the last,
 * then {@code completed}; {@code cancelled} by its creator while pending; {@code failed} when a block's timestamp
 * passes the deadline before every job is in. The last three are final.
 */
public enum TaskStatus {
    PENDING("pending"), IN_PROGRESS("in_progress"), COMPLETED("completed"), FAILED("failed"), CANCELLED("cancelled");

    private final String wire;

    TaskStatus(String wire) {
        this.wire = wire;
    }

    /** The name on the wire and in state: {@code pending}, {@code in_progress}, ... */
    public String wire() {
        return wire;
    }

    /** True while jobs may still be accepted (pending or in_progress). */
    public boolean open() {
        return this == PENDING || this == IN_PROGRESS;
    }

    public static TaskStatus ofWire(String s) {
        for (TaskStatus t : values()) if (t.wire.equals(s)) return t;
        throw new IllegalArgumentException("unknown task status '" + s + "'");
    }
}
