package org.cpc.poc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches L1 for FRAUD_PROOFs against this PoC validator's tasks: on each retention sweep it asks L1 about at most
 * {@link #PER_SWEEP} of the tasks whose results can still be disputed (in turn, so every one comes up), and logs and
 * counts each job L1 found wrong once. What it saw is in {@code GET /retention} ({@code disputes}) and in the metric
 * {@code cpc_poc_disputes}. Runs on the retention thread; its state is guarded by {@code this}.
 */
final class DisputeWatch {
    private static final Logger log = LoggerFactory.getLogger(DisputeWatch.class);
    /** Most tasks read from L1 per sweep (one GET /task each). */
    static final int PER_SWEEP = 64;
    /** Most disputes shown in GET /retention, newest first. */
    static final int SHOWN = 16;

    private final Ledger ledger;
    private final String self;
    private final PocMetrics metrics;
    private final Set<String> seen = new HashSet<>();
    private final Deque<Ledger.Dispute> recent = new ArrayDeque<>();
    private List<String> turn = List.of();
    private int next;
    private int watched;

    DisputeWatch(Ledger ledger, String self, PocMetrics metrics) {
        this.ledger = ledger;
        this.self = self;
        this.metrics = metrics;
    }

    /**
     * One look at the disputable tasks ({@code disputable}, sorted): the next {@link #PER_SWEEP} of them in turn.
     * Returns the disputes against this PoC validator found for the first time. L1 being unreachable ends the look.
     */
    synchronized List<Ledger.Dispute> look(Set<String> disputable) {
        watched = disputable.size();
        if (next >= turn.size()) {
            turn = List.copyOf(disputable);
            next = 0;
        }
        List<Ledger.Dispute> found = new ArrayList<>();
        try {
            for (int n = 0; n < PER_SWEEP && next < turn.size(); n++) {
                for (Ledger.Dispute d : ledger.disputes(turn.get(next++))) {
                    if (!d.pocValidator().equals(self) || !seen.add(d.taskId() + "/" + d.job())) continue;
                    log.warn("FRAUD_PROOF {} at height {}: job {} of task {} (worker {}) was proven wrong; this PoC"
                                    + " validator's bond was slashed {} wei, the worker's {} wei", d.txHash(), d.height(),
                            d.job(), d.taskId(), d.workerAddress(), d.pocSlashed(), d.workerSlashed());
                    metrics.disputed();
                    found.add(d);
                    recent.addFirst(d);
                    if (recent.size() > SHOWN) recent.removeLast();
                }
            }
        } catch (Ledger.Unavailable x) {
            log.warn("disputes: L1 unavailable, the watch goes on next sweep: {}", x.getMessage());
        }
        return found;
    }

    /** For GET /retention: how many tasks can still be disputed, and the latest disputes against this validator. */
    synchronized void view(ObjectNode o) {
        o.put("dispute_windows_open", watched);
        o.put("disputes_seen", seen.size());
        ArrayNode a = o.putArray("disputes");
        for (Ledger.Dispute d : recent) {
            ObjectNode x = a.addObject();
            x.put("task_id", d.taskId());
            x.put("job", d.job());
            x.put("worker_address", d.workerAddress());
            x.put("tx_hash", d.txHash());
            x.put("height", d.height());
            x.put("poc_slashed", d.pocSlashed().toString());
            x.put("worker_slashed", d.workerSlashed().toString());
        }
    }
}
