package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;

/**
 * The messages of the pool protocol, spoken over the PoC validator's {@code /worker} WebSocket: one record per
 * message ({@code docs/api.md} has the table). {@link PoolCodec} turns them into frames and back and is the only
 * place that knows their JSON; a record {@link PoolCodec#decode(String) decoded} has passed every check of its
 * fields, so code holding one needs no further parsing: hex fields are bytes, amounts {@link BigInteger}s.
 *
 * <p>Byte arrays are not copied: a message is built, sent and dropped, so none of them is modified after.
 */
public sealed interface PoolMessage {

    /** What the PoC validator sends; all travel as text frames. */
    sealed interface ServerMessage extends PoolMessage {}

    /** What a worker sends as text frames; its results travel as {@link JobResult} binary frames. */
    sealed interface WorkerMessage extends PoolMessage {}

    /**
     * Server → worker, first on every connection: the protocol version and a fresh nonce the worker signs to prove
     * its address. Its shape stays the same in every version, so any worker can read which version is spoken.
     */
    record Challenge(int version, byte[] nonce) implements ServerMessage {
        public static final String TYPE = "challenge";
    }

    /**
     * Worker → server, the answer to the challenge. {@code signature} is the recoverable signature over
     * {@link PoolProtocol#authDigest}; {@code backend} and {@code device} are only shown to people, so they are cut
     * to {@link PoolCodec#MAX_NAME_CHARS} rather than refused.
     */
    record Hello(String address, byte[] signature, String backend, String device, double gops, int maxJobs)
            implements WorkerMessage {
        public static final String TYPE = "hello";

        public Hello {
            backend = PoolCodec.cut(backend, PoolCodec.MAX_NAME_CHARS);
            device = PoolCodec.cut(device, PoolCodec.MAX_NAME_CHARS);
        }
    }

    /**
     * Server → worker, once the hello's signature checked out: the limits this connection works under.
     * {@code maxResultBytes} bounds the output of every {@link JobResult}.
     */
    record Welcome(String address, String validator, int maxJobs, long heartbeatMs, long jobTimeoutMs,
                   int maxResultBytes) implements ServerMessage {
        public static final String TYPE = "welcome";
    }

    /**
     * Server → worker: run job {@code index} of task {@code taskId} ({@code jobId} is "task_id/index"). The payload is
     * the task's, as free-form as its challenge type allows; {@code description} is the job's part of it (the
     * {@code "job"} field on the wire, e.g. its row_start and row_end). The codec remembers the text of the last
     * payload it wrote, by identity: a payload node is not modified once it is in a job.
     */
    record Job(String jobId, String taskId, int index, String challengeType, JsonNode payload, JsonNode description,
               long maxOutputBytes, long timeoutMs) implements ServerMessage {
        public static final String TYPE = "job";
    }

    /**
     * Worker → server, the one binary message: a job's output with its result_hash (its challenge type's
     * commitment to the bytes) and the worker's recoverable signature over {@link PoolProtocol#resultDigest}.
     */
    record JobResult(String jobId, byte[] resultHash, byte[] signature, byte[] output) implements PoolMessage {
        public static final String TYPE = "job_result";
    }

    /** Worker → server: the worker could not run the job; it goes back to the queue. */
    record JobError(String jobId, String error) implements WorkerMessage {
        public static final String TYPE = "job_error";

        public JobError {
            error = PoolCodec.cut(error, PoolCodec.MAX_REASON_CHARS);
        }
    }

    /** Worker → server, every heartbeat interval: the worker is alive. */
    record Heartbeat() implements WorkerMessage {
        public static final String TYPE = "heartbeat";
    }

    /**
     * Server → worker: the output passed verification. {@code reward} is {@code rewardWei} in CPC, for people to read.
     */
    record JobAccepted(String jobId, byte[] resultHash, BigInteger rewardWei, String reward) implements ServerMessage {
        public static final String TYPE = "job_accepted";
    }

    /** Server → worker: the output failed verification, for {@code reason}. */
    record JobRejected(String jobId, String reason) implements ServerMessage {
        public static final String TYPE = "job_rejected";

        public JobRejected {
            reason = PoolCodec.cut(reason, PoolCodec.MAX_REASON_CHARS);
        }
    }

    /** Server → worker: stop working on the job; its result would be ignored. */
    record Cancel(String jobId, String reason) implements ServerMessage {
        public static final String TYPE = "cancel";

        public Cancel {
            reason = PoolCodec.cut(reason, PoolCodec.MAX_REASON_CHARS);
        }
    }

    /** Server → worker: a message the server could not use (sent before it closes, when it closes). */
    record ErrorMessage(String error) implements ServerMessage {
        public static final String TYPE = "error";

        public ErrorMessage {
            error = PoolCodec.cut(error, PoolCodec.MAX_REASON_CHARS);
        }
    }
}
