package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;

/**
 * What the PoC validator owes L1, as the {@link PocMachine} hands it to the L1 outbox: immutable snapshots, so the
 * outbox's thread never reads the machine's state.
 *
 * <p>Two kinds of transaction go out for a job, both from the PoC validator's account and sharing its nonces: the
 * job's SUBMIT_RESULT, and the TRANSFER paying the worker whose duplicate run agreed. A signed transaction is
 * recorded in the job's record before it is sent, so after a restart it is re-sent as is (same nonce, same hash)
 * and never built twice.
 */
public final class L1Work {
    private L1Work() {}

    public enum Kind { RESULT, PAY }

    /** One transaction a job owes. */
    public record Ref(Kind kind, String taskId, int index) {
        public String what() {
            return kind == Kind.RESULT ? "the result of job " + taskId + "/" + index
                    : "the payment for the duplicate run of job " + taskId + "/" + index;
        }
    }

    /** A task whose CREATE_TASK is not known to be in a block yet. */
    public record Publish(String taskId, JsonNode createTx, String createTxHash) {}

    /** A transaction recorded and sent before: is it in a block, in the mempool, or lost? */
    public record Sent(Ref ref, JsonNode tx, String txHash) {}

    /**
     * What the outbox checks before it builds anything: tasks to publish, transactions sent, and tasks past their
     * deadline that are not over here, whose fate L1 decided (it fails a task whose last result missed the deadline).
     */
    public record Check(List<Publish> publishing, List<Sent> sent, List<String> overdue) {}

    /** A transaction to build, sign and record. */
    public sealed interface Draft {
        Ref ref();
    }

    public record ResultDraft(Ref ref, ComputeResult result) implements Draft {}

    public record PayDraft(Ref ref, String to, BigInteger amount) implements Draft {}

    /** A draft built and signed, to be recorded before it is sent. */
    public record Built(Ref ref, Transaction tx) {}
}
