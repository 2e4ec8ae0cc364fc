package org.cpc.chain.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.cpc.chain.staking.StakingLedger;
import org.cpc.chain.state.StateKeys;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The FIFO of synthetic results selected for a random audit, in state (key space 0x35): entry "bounds" holds
 * {@code {"head","tail"}} and positions head..tail−1 each hold a task_id. First selected, first audited; at most
 * {@link #MAX_LENGTH} wait at once.
 */
final class AuditQueue {
    /** Most results waiting for a random audit; a selection beyond it is not queued (the result stays challengeable). */
    static final int MAX_LENGTH = 1024;
    private static final String BOUNDS = "bounds";
    private static final Set<String> FIELDS = Set.of("head", "tail");

    private final StakingLedger ledger;
    private long head;
    private long tail;

    AuditQueue(StakingLedger ledger) {
        this.ledger = ledger;
        byte[] v = ledger.get(StateKeys.AUDIT_QUEUE, BOUNDS);
        if (v != null) {
            JsonFields f = JsonFields.of(Json.parse(v), "audit queue bounds", FIELDS);
            head = f.uint("head");
            tail = f.uint("tail");
        }
    }

    long length() {
        return tail - head;
    }

    /** Appends {@code taskId}; false (nothing written) when {@link #MAX_LENGTH} are already waiting. */
    boolean offer(String taskId) {
        if (length() >= MAX_LENGTH) return false;
        ledger.put(StateKeys.AUDIT_QUEUE, Long.toString(tail), taskId.getBytes(StandardCharsets.UTF_8));
        tail++;
        putBounds();
        return true;
    }

    /** Removes and returns the oldest task_id, or null when the queue is empty. */
    String poll() {
        if (head == tail) return null;
        String id = Long.toString(head);
        String taskId = new String(ledger.get(StateKeys.AUDIT_QUEUE, id), StandardCharsets.UTF_8);
        ledger.put(StateKeys.AUDIT_QUEUE, id, null);
        head++;
        putBounds();
        return taskId;
    }

    private void putBounds() {
        ObjectNode o = Json.object();
        o.put("head", head);
        o.put("tail", tail);
        ledger.put(StateKeys.AUDIT_QUEUE, BOUNDS, Jcs.canonicalize(o));
    }
}
