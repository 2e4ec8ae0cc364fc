package org.cpc.poc.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import org.cpc.compute.market.ChallengeType;

/** A customer's task as the REST edge checked it (signed CREATE_TASK, payload, inputs, L1 took it), to be recorded. */
public record TaskSpec(String taskId, String creator, ChallengeType type, ObjectNode payload, BigInteger reward,
                       long deadline, JsonNode createTx, String createTxHash) {}
