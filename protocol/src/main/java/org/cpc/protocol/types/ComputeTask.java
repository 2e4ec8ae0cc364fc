package org.cpc.protocol.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Set;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * The seed's ComputeTask: a market task published by CREATE_TASK. {@code reward} is wei (the Task Market API shows
 * it as decimal CPC); {@code deadline} is unix seconds.
 */
public record ComputeTask(String taskId, String challengeType, ObjectNode payload, BigInteger reward, long deadline) {
    public static final Set<String> FIELDS = Set.of("task_id", "challenge_type", "payload", "reward", "deadline");
    private static final RecordJson<ComputeTask> JSON = RecordJson.of(ComputeTask.class);

    public ObjectNode toJson() {
        return JSON.write(this);
    }

    public static ComputeTask fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "ComputeTask", FIELDS);
        return new ComputeTask(f.string("task_id"), f.string("challenge_type"), f.object("payload").deepCopy(),
                f.wei("reward"), f.uint("deadline"));
    }
}
