package org.cpc.compute.market;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;

/**
 * What the PoC validator and a pool worker agree on over the {@code /worker} WebSocket besides the messages
 * themselves ({@link PoolMessage}, {@link PoolCodec}; docs/api.md has the table): the protocol version, the
 * authentication digest and the digest a worker signs for a job result.
 */
public final class PoolProtocol {
    /**
     * The version the {@code challenge} announces. A worker of another version closes the connection (1002) with a
     * reason that says both versions: nothing else of the protocol is promised across versions.
     */
    public static final int VERSION = 1;
    private static final byte[] AUTH_DOMAIN = "cpc-poc-auth-v1".getBytes(StandardCharsets.US_ASCII);

    private PoolProtocol() {}

    /** SHA-256("cpc-poc-auth-v1" ‖ nonce): what a worker signs (recoverably) to prove its address. */
    public static byte[] authDigest(byte[] nonce) {
        return Sha256.hash(AUTH_DOMAIN, nonce);
    }

    /**
     * SHA-256(JCS of {task_id, worker_address, result_hash, proof, nonce}): what the worker's recoverable signature
     * in a market job's ComputeResult covers ({@code proof} null for results the PoC validator sends itself).
     */
    public static byte[] resultDigest(String taskId, String workerAddress, String resultHash, String proof, long nonce) {
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("worker_address", workerAddress);
        o.put("result_hash", resultHash);
        if (proof == null) o.putNull("proof"); else o.put("proof", proof);
        o.put("nonce", nonce);
        return Sha256.hash(Jcs.canonicalize(o));
    }
}
