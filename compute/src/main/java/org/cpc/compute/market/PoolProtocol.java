package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;

/**
 * What the PoC validator and a pool worker agree on over the {@code /worker} WebSocket (docs/api.md has the
 * messages): the authentication digest, the digest a worker signs for a job result, and the binary frame that
 * carries a job result.
 */
public final class PoolProtocol {
    public static final int VERSION = 1;
    private static final byte[] AUTH_DOMAIN = "cpc-poc-auth-v1".getBytes(StandardCharsets.US_ASCII);
    /** Largest JSON header of a result frame. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

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

    /** A decoded result frame. */
    public record ResultFrame(JsonNode header, byte[] output) {}

    /** uint32_be(header length) ‖ header (UTF-8 JSON) ‖ output bytes. */
    public static ByteBuffer encodeResultFrame(ObjectNode header, byte[] output) {
        byte[] h = Jcs.canonicalize(header);
        ByteBuffer b = ByteBuffer.allocate(4 + h.length + output.length);
        b.putInt(h.length).put(h).put(output).flip();
        return b;
    }

    /** @throws IllegalArgumentException for a frame that is malformed */
    public static ResultFrame decodeResultFrame(ByteBuffer frame) {
        if (frame.remaining() < 4) throw new IllegalArgumentException("result frame shorter than its 4-byte header length");
        int len = frame.getInt();
        if (len <= 0 || len > MAX_HEADER_BYTES || len > frame.remaining()) {
            throw new IllegalArgumentException("result frame header length " + len + " is out of range");
        }
        byte[] h = new byte[len];
        frame.get(h);
        JsonNode header = Json.parse(h);
        byte[] out = new byte[frame.remaining()];
        frame.get(out);
        return new ResultFrame(header, out);
    }
}
