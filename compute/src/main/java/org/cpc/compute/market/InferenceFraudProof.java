package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.compute.infer.Disputability;
import org.cpc.compute.infer.LayerHeader;
import org.cpc.compute.infer.UnitLeaf;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;
import org.cpc.protocol.codec.WireName;

/**
 * A claim that one entry of one layer of one sample of an inference job's trace, as committed on L1 by the job's
 * result_hash ({@link InferenceCommitment}), is not what the model computes from the layer's committed input: the
 * payload of a FRAUD_PROOF against an inference task (docs/protocol.md, "Trace commitments and fraud proofs
 * (inference)"). It carries the layer's header and (Conv, Dense) the entry's output unit, opened against the task's
 * model_commitment ({@link org.cpc.compute.infer.ModelTree}), and the trace rows it needs, opened against the job's
 * result_hash or, for layer 0's input, the task's input_root. Only bounded here; {@link InferenceFraudVerifier}
 * judges it.
 *
 * @param sample the sample, an index into the task's batch, one the job ran
 * @param entry  the entry in the layer's output of that sample, channel-major (o·H·W + y·W + x)
 * @param claim  what is disputed: the accumulator (Conv, Dense: ≠ dot product + bias) or the output (≠ the
 *               requantized accumulator, or the MaxPool/Flatten of the input)
 * @param unit   unit o = entry / (H·W)'s leaf (Conv, Dense), else null with an empty unitPath
 * @param input  chunks of the layer's input row that the entry reads (accumulator claims, MaxPool, Flatten), or null
 * @param acc    the chunk of the accumulator row holding the entry (Conv, Dense), or null
 * @param act    the chunk of the activation row holding the entry (output claims), or null
 */
public record InferenceFraudProof(String taskId, int job, int sample, int layer, int entry, Claim claim,
                                  byte[] layerHeader, List<byte[]> headerPath, byte[] unit, List<byte[]> unitPath,
                                  RowOpening input, RowOpening acc, RowOpening act) {
    public static final Set<String> FIELDS = Set.of("task_id", "job", "sample", "layer", "entry", "claim",
            "layer_header", "header_path", "unit", "unit_path", "input", "acc", "act");
    /** Bytes and path hashes as lowercase hex; a claim without a unit or a row opening writes null there. */
    private static final RecordJson<InferenceFraudProof> JSON = RecordJson.of(InferenceFraudProof.class)
            .nullAsJsonNull("unit", "input", "acc", "act");
    /** Largest layer index: models have at most 64 layers. */
    public static final int MAX_LAYER = 63;
    /** Largest entry: a layer of one sample has fewer than 2^26 values (64 MiB of trace per sample). */
    public static final int MAX_ENTRY = (1 << 26) - 1;
    /** Path through a layer's tree (1 + at most 2^23 units) and the model's (at most 64 layers). */
    public static final int MAX_MODEL_PATH = 24 + 6;
    /**
     * Chunks of the layer's input a proof carries: a whole Dense input of 16,384 values is 4; a Conv patch or MaxPool
     * window at most 6, which the importer holds every model to ({@link Disputability}).
     */
    public static final int MAX_INPUT_CHUNKS = Disputability.MAX_INPUT_CHUNKS;
    /** A row of at most 64 MiB has at most 2^14 chunks. */
    public static final int MAX_CHUNK_INDEX = (1 << 14) - 1;
    public static final int MAX_CHUNK_PATH = 14;
    /** From a row root to result_hash: the sibling row, ≤ 6 through 64 layers, ≤ 20 through 2^20 samples. */
    public static final int MAX_ROW_PATH = 1 + 6 + 20;
    /**
     * Bound on the JCS of the largest proof (six 4096-byte input chunks, a unit of 16,384 weights, an accumulator
     * chunk, every path at its longest: about 105 KiB), so that a FRAUD_PROOF fits {@code max_tx_bytes} (128 KiB)
     * with its signature; {@code InferenceFraudProofTest} builds that proof.
     */
    public static final int MAX_JSON_BYTES = 112 * 1024;

    /** What a proof disputes. */
    public enum Claim implements WireName {
        ACCUMULATOR, OUTPUT;

        static Claim of(String s) {
            for (Claim c : values()) if (c.wire().equals(s)) return c;
            throw new IllegalArgumentException("fraud proof.claim must be \"accumulator\" or \"output\"");
        }
    }

    /** One chunk of a row: its index in the row, its bytes, its path to the row root (the row's chunk tree). */
    public record Chunk(int index, byte[] bytes, List<byte[]> path) {
        public Chunk {
            path = List.copyOf(path);
        }
    }

    /** Chunks of one row in ascending order, and the path from the row root up to the commitment. */
    public record RowOpening(List<Chunk> chunks, List<byte[]> path) {
        public RowOpening {
            chunks = List.copyOf(chunks);
            path = List.copyOf(path);
        }

        static RowOpening fromJson(JsonNode node, String field, int maxChunks) {
            String what = "fraud proof." + field;
            JsonFields f = JsonFields.of(node, what, Set.of("chunks", "path"));
            JsonNode cs = f.raw("chunks");
            if (!cs.isArray() || cs.isEmpty() || cs.size() > maxChunks) {
                throw new IllegalArgumentException(what + ".chunks must be an array of 1 to " + maxChunks + " chunks");
            }
            List<Chunk> chunks = new ArrayList<>(cs.size());
            for (int i = 0; i < cs.size(); i++) {
                String at = what + ".chunks[" + i + "]";
                JsonFields c = JsonFields.of(cs.get(i), at, Set.of("index", "bytes", "path"));
                chunks.add(new Chunk(FraudProof.bounded(c, at, "index", MAX_CHUNK_INDEX),
                        FraudProof.bytes(c, at, "bytes", 1, TraceCommitment.CHUNK_BYTES),
                        FraudProof.path(c, at, "path", MAX_CHUNK_PATH)));
            }
            return new RowOpening(chunks, FraudProof.path(f, what, "path", MAX_ROW_PATH));
        }
    }

    public InferenceFraudProof {
        headerPath = List.copyOf(headerPath);
        unitPath = List.copyOf(unitPath);
    }

    public ObjectNode toJson() {
        return JSON.write(this);
    }

    /**
     * Reads a proof strictly: every field present (input, acc, act and unit may be null), no other, each within its
     * bound. Throws {@link IllegalArgumentException} naming the field.
     */
    public static InferenceFraudProof fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "fraud proof", FIELDS);
        String taskId = f.string("task_id");
        if (!FraudProof.UUID.matcher(taskId).matches()) {
            throw new IllegalArgumentException("fraud proof.task_id must be a lowercase UUID");
        }
        int job = FraudProof.bounded(f, "fraud proof", "job", ChallengeType.MAX_JOBS - 1);
        int sample = FraudProof.bounded(f, "fraud proof", "sample", InferenceChallenge.MAX_SAMPLES - 1);
        int layer = FraudProof.bounded(f, "fraud proof", "layer", MAX_LAYER);
        int entry = FraudProof.bounded(f, "fraud proof", "entry", MAX_ENTRY);
        Claim claim = Claim.of(f.string("claim"));
        byte[] header = FraudProof.bytes(f, "fraud proof", "layer_header", 1, LayerHeader.MAX_BYTES);
        List<byte[]> headerPath = FraudProof.path(f, "fraud proof", "header_path", MAX_MODEL_PATH);
        byte[] unit = f.raw("unit").isNull() ? null : FraudProof.bytes(f, "fraud proof", "unit", 1, UnitLeaf.MAX_BYTES);
        List<byte[]> unitPath = FraudProof.path(f, "fraud proof", "unit_path", MAX_MODEL_PATH);
        if (unit == null && !unitPath.isEmpty()) {
            throw new IllegalArgumentException("fraud proof.unit_path must be empty when unit is null");
        }
        return new InferenceFraudProof(taskId, job, sample, layer, entry, claim, header, headerPath, unit, unitPath,
                opening(f, "input", MAX_INPUT_CHUNKS), opening(f, "acc", 1), opening(f, "act", 1));
    }

    private static RowOpening opening(JsonFields f, String field, int maxChunks) {
        JsonNode v = f.raw(field);
        return v.isNull() ? null : RowOpening.fromJson(v, field, maxChunks);
    }
}
