package org.cpc.protocol.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The seed's ComputeResult, field for field: the payload of a SUBMIT_RESULT transaction. For a synthetic task,
 * {@code nonce} is the height of the block the task came from and {@code proof} the spot-check audit paths; for a
 * market job, {@code nonce} is the job index and {@code signature} the worker's recoverable signature.
 */
public record ComputeResult(
        String taskId,
        String workerAddress,
        String resultHash,
        String proof,
        Long nonce,
        String signature) {

    public static final Set<String> FIELDS =
            Set.of("task_id", "worker_address", "result_hash", "proof", "nonce", "signature");

    /**
     * The compute_root leaf: compact JSON in declaration order with nulls written out, exactly what the seed's
     * pydantic {@code model_dump_json()} produces. Not JCS: the order is the declaration's, not sorted.
     */
    public byte[] leafJson() {
        StringBuilder sb = new StringBuilder(128 + (proof == null ? 0 : proof.length()));
        sb.append("{\"task_id\":").append(str(taskId))
                .append(",\"worker_address\":").append(str(workerAddress))
                .append(",\"result_hash\":").append(str(resultHash))
                .append(",\"proof\":").append(str(proof))
                .append(",\"nonce\":").append(nonce == null ? "null" : nonce.toString())
                .append(",\"signature\":").append(str(signature))
                .append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String str(String s) {
        return s == null ? "null" : Jcs.quote(s);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("task_id", taskId);
        o.put("worker_address", workerAddress);
        o.put("result_hash", resultHash);
        if (proof == null) o.putNull("proof"); else o.put("proof", proof);
        if (nonce == null) o.putNull("nonce"); else o.put("nonce", nonce);
        if (signature == null) o.putNull("signature"); else o.put("signature", signature);
        return o;
    }

    /** Reads a payload; {@code proof}, {@code nonce} and {@code signature} may be absent (the seed's Optional). */
    public static ComputeResult fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "ComputeResult", FIELDS);
        return new ComputeResult(
                f.string("task_id"),
                f.string("worker_address"),
                f.string("result_hash"),
                f.optionalString("proof"),
                f.optionalUint("nonce"),
                f.optionalString("signature"));
    }
}
