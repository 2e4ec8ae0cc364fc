package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.cpc.compute.market.PoolMessage;

/**
 * What the {@link PocMachine} asks its edges to do. The machine decides; the driver carries out effects in the order
 * they were emitted, and reports back (verifications, syncs, L1 answers) as new inputs.
 */
public sealed interface Effect {
    /** Send a message to a connected worker (never blocks; a failed send closes the connection). */
    record Send(long session, PoolMessage.ServerMessage message) implements Effect {}

    /** Hang up on a worker with a WebSocket close code and a reason it can read. */
    record Close(long session, int code, String reason) implements Effect {}

    /**
     * Check a worker's output for a job: size, commitment, the worker's signature (recovering to {@code workerKey}),
     * the task's verifier, and, for a duplicate run whose result_hash differs from the first run's
     * ({@code firstResultHash}), a recomputation that decides which is right. Then store the output and report
     * {@link PocMachine#verified}.
     */
    record Verify(Assignment assignment, String worker, byte[] workerKey, PoolMessage.JobResult result,
                  String firstResultHash) implements Effect {}

    /**
     * One durable, atomic write: the puts in order ({@code value} null deletes the key), and, when {@code output} is
     * not null, the bytes of a job's output under {@code outputKey}. When {@code token} is not 0 the driver reports
     * {@link PocMachine#persisted(long)} once the write is synced; writes are synced in the order they were emitted.
     */
    record Persist(List<Put> puts, String outputKey, byte[] output, long token) implements Effect {
        public record Put(String key, JsonNode value) {}
    }

    /** Concatenate the jobs' outputs (in job order) into the task's result blob; report {@link PocMachine#merged}. */
    record Merge(String taskId, List<String> outputHashes) implements Effect {}

    /** The task no longer needs its input blobs or verifier in memory. */
    record Forget(String taskId) implements Effect {}
}
