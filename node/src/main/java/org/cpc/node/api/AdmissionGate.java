package org.cpc.node.api;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.cpc.http.ApiException;

/**
 * At most as many REST requests admitting transactions at once as the machine has cores. Admission is CPU work
 * under the mempool's lock: more requests at once than cores only queue on that lock and crowd the consensus
 * thread, which needs the same lock and a core to build, validate and commit blocks. Requests beyond the bound wait
 * here, parked and in arrival order (a fair semaphore), instead of spinning on the lock.
 */
final class AdmissionGate {
    private final Semaphore permits;

    AdmissionGate(int permits) {
        if (permits < 1) throw new IllegalArgumentException("admission permits must be at least 1, not " + permits);
        this.permits = new Semaphore(permits, true);
    }

    static AdmissionGate perCore() {
        return new AdmissionGate(Runtime.getRuntime().availableProcessors());
    }

    <T> T admit(Supplier<T> admission) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the node is stopping");
        }
        try {
            return admission.get();
        } finally {
            permits.release();
        }
    }
}
