package org.cpc.chain.market;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * A market job proven wrong by a FRAUD_PROOF (state key space 0x31, id task_id + "/" + job), with what the proof
 * moved. One per job: a second proof against the same job is refused.
 *
 * @param row the disputed entry's row of C (inference: the sample)
 * @param col its column (inference: the entry in the layer's output of that sample)
 * @param layer inference: the layer; null for matmul (and then not written, so matmul records keep their form)
 * @param claim inference: "accumulator" or "output"; null for matmul
 * @param claimed the entry the job's commitment holds
 * @param correct row of A · column of B
 * @param prover the FRAUD_PROOF's sender
 * @param pocSlashed wei taken from the PoC validator's bond (unbonding entries included)
 * @param workerSlashed wei taken from the worker's bond
 * @param refund wei paid to the task's creator out of the slashes
 * @param bounty wei paid to the prover out of the slashes
 * @param burned the rest of the slashes, burned
 */
public record JobDispute(String taskId, int job, int row, int col, Integer layer, String claim, int claimed,
                         int correct, String prover,
                         long height, String txHash, BigInteger pocSlashed, BigInteger workerSlashed,
                         BigInteger refund, BigInteger bounty, BigInteger burned) {
    static final Set<String> FIELDS = Set.of("task_id", "job", "row", "col", "layer", "claim", "claimed", "correct",
            "prover", "height", "tx_hash", "poc_slashed", "worker_slashed", "refund", "bounty", "burned");
    private static final RecordJson<JobDispute> JSON = RecordJson.of(JobDispute.class).omitNull("layer", "claim");

    /** A matmul job's dispute: one entry of C. */
    public JobDispute(String taskId, int job, int row, int col, int claimed, int correct, String prover, long height,
                      String txHash, BigInteger pocSlashed, BigInteger workerSlashed, BigInteger refund,
                      BigInteger bounty, BigInteger burned) {
        this(taskId, job, row, col, null, null, claimed, correct, prover, height, txHash, pocSlashed, workerSlashed,
                refund, bounty, burned);
    }

    /** The disputed entry, for messages: C[row][col], or the claim, layer, sample and entry of an inference trace. */
    public String entry() {
        return layer == null ? "entry C[" + row + "][" + col + "]"
                : claim + " " + col + " of layer " + layer + " of sample " + row;
    }

    public ObjectNode toJson() {
        return JSON.write(this);
    }

    public byte[] encode() {
        return Jcs.canonicalize(toJson());
    }

    public static JobDispute decode(byte[] v) {
        if (v == null) return null;
        JsonFields f = JsonFields.of(Json.parse(v), "job dispute", FIELDS);
        return new JobDispute(f.string("task_id"), Math.toIntExact(f.uint("job")), Math.toIntExact(f.uint("row")),
                Math.toIntExact(f.uint("col")), layer(f), f.optionalString("claim"), int32(f, "claimed"), int32(f, "correct"), f.string("prover"),
                f.uint("height"), f.string("tx_hash"), f.wei("poc_slashed"), f.wei("worker_slashed"),
                f.wei("refund"), f.wei("bounty"), f.wei("burned"));
    }

    private static Integer layer(JsonFields f) {
        Long l = f.optionalUint("layer");
        return l == null ? null : Math.toIntExact(l);
    }

    /** An entry of C: a signed int32, which {@link JsonFields#uint} would refuse when negative. */
    private static int int32(JsonFields f, String field) {
        com.fasterxml.jackson.databind.JsonNode n = f.raw(field);
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException("job dispute." + field + " must be an int32");
        }
        return n.intValue();
    }
}
