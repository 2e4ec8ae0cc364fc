package org.cpc.poc;

import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;

/**
 * The L1 as the PoC validator uses it: send a signed transaction, ask where one is, the next nonce of an account.
 * {@link NodeLedger} is the node's REST API; tests may use an in-memory one. Methods throw {@link Unavailable} when
 * the L1 cannot be reached (worth retrying).
 */
public interface Ledger {
    /** What the L1 said to a transaction. */
    sealed interface Sent {
        record Accepted(String txHash) implements Sent {}

        record Rejected(String reason) implements Sent {}
    }

    enum TxState { INCLUDED, PENDING, UNKNOWN }

    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    NetworkParams params();

    Sent send(Transaction tx);

    TxState txState(String txHash);

    /** A market task's status on L1; empty when L1 does not know the task. */
    java.util.Optional<org.cpc.protocol.types.TaskStatus> taskStatus(String taskId);

    /** The next nonce of {@code address}, counting its transactions still in the mempool. */
    long nextNonce(String address);

    /** L1's committed height (what dispute windows are counted in). */
    long height();

    /** A job L1 found wrong by a FRAUD_PROOF ({@code GET /task/{id}}, {@code results[].dispute}). */
    record Dispute(String taskId, int job, String pocValidator, String workerAddress, String txHash, long height,
                   java.math.BigInteger pocSlashed, java.math.BigInteger workerSlashed) {}

    /** The jobs of a market task that FRAUD_PROOFs proved wrong, in job order; empty for a task L1 does not know. */
    java.util.List<Dispute> disputes(String taskId);

    /** A worker's bond and reputation on L1 ({@code GET /worker/{address}}: {@code bonded_enough}, {@code reputation}). */
    org.cpc.poc.core.WorkerStanding workerStanding(String address);
}
