package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.cpc.compute.market.PoolMessage.Cancel;
import org.cpc.compute.market.PoolMessage.Challenge;
import org.cpc.compute.market.PoolMessage.ErrorMessage;
import org.cpc.compute.market.PoolMessage.Heartbeat;
import org.cpc.compute.market.PoolMessage.Hello;
import org.cpc.compute.market.PoolMessage.Job;
import org.cpc.compute.market.PoolMessage.JobAccepted;
import org.cpc.compute.market.PoolMessage.JobError;
import org.cpc.compute.market.PoolMessage.JobRejected;
import org.cpc.compute.market.PoolMessage.JobResult;
import org.cpc.compute.market.PoolMessage.ServerMessage;
import org.cpc.compute.market.PoolMessage.Welcome;
import org.cpc.compute.market.PoolMessage.WorkerMessage;
import org.cpc.protocol.codec.Json;

/** One valid message of every kind, as today's PoC validator and pool worker send them. */
final class PoolSamples {
    static final String TASK = "ab".repeat(32);
    static final String ADDRESS = "cpc1tfejarl6zyqcsc30vr5eepalgk7h70zzeq8r86";
    static final String VALIDATOR = "cpc1mp9hq6xqcsj4rg4nnmd3ad3hdyk3jk0zvxrmsz";

    private PoolSamples() {}

    static final Challenge CHALLENGE = new Challenge(PoolProtocol.VERSION, bytes(32, 1));
    static final Welcome WELCOME = new Welcome(ADDRESS, VALIDATOR, 4, 5000, 120_000, 64 << 20);
    static final Job JOB = new Job(TASK + "/3", TASK, 3, "matmul",
            Json.parse("{\"a\":\"" + "01".repeat(32) + "\",\"b\":\"" + "02".repeat(32)
                    + "\",\"k\":48,\"m\":64,\"n\":32,\"rows_per_job\":16}"),
            Json.parse("{\"row_end\":64,\"row_start\":48}"), 2048, 10_000);
    static final JobAccepted JOB_ACCEPTED = new JobAccepted(TASK + "/3", bytes(32, 2),
            new BigInteger("450000000000000000"), "0.45");
    static final JobRejected JOB_REJECTED = new JobRejected(TASK + "/3", "result_hash is not the SHA-256 of the output");
    static final Cancel CANCEL = new Cancel(TASK + "/3", "the job timed out and went to another worker");
    static final ErrorMessage ERROR = new ErrorMessage("unknown message type 'dance'");
    static final Hello HELLO = new Hello(ADDRESS, bytes(65, 3), "oneDNN×2", "oneDNN 2.6.3 int8 GEMM (AVX-512 VNNI)",
            652.1, 2);
    static final JobError JOB_ERROR = new JobError(TASK + "/3", "blob 0102… is not available");
    static final Heartbeat HEARTBEAT = new Heartbeat();
    static final JobResult JOB_RESULT = new JobResult(TASK + "/3", bytes(32, 4), bytes(65, 5), bytes(2048, 6));

    static final List<ServerMessage> SERVER = List.of(CHALLENGE, WELCOME, JOB, JOB_ACCEPTED, JOB_REJECTED, CANCEL, ERROR);
    static final List<WorkerMessage> WORKER = List.of(HELLO, JOB_ERROR, HEARTBEAT);

    /** Every sample, the result frame included. */
    static List<PoolMessage> all() {
        List<PoolMessage> all = new ArrayList<>(SERVER);
        all.addAll(WORKER);
        all.add(JOB_RESULT);
        return all;
    }

    /** The JSON of a text message, or of a result frame's header. */
    static JsonNode json(PoolMessage m) {
        return switch (m) {
            case ServerMessage s -> Json.parse(PoolCodec.encode(s));
            case WorkerMessage w -> Json.parse(PoolCodec.encode(w));
            case JobResult r -> {
                var frame = PoolCodec.encode(r);
                byte[] header = new byte[frame.getInt()];
                frame.get(header);
                yield Json.parse(header);
            }
        };
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed * 31 + i * 7);
        return b;
    }
}
