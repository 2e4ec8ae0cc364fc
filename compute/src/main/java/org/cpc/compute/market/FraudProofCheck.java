package org.cpc.compute.market;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one entry point by which L1 judges a FRAUD_PROOF's payload: read strictly as the proof form of the task's
 * challenge type ({@link FraudProof} for matmul, {@link InferenceFraudProof} for inference) and verified against the
 * task's payload and the job's result_hash. Pure; a payload that does not read is {@link FraudVerdict.Malformed}.
 */
public final class FraudProofCheck {
    private FraudProofCheck() {}

    /** Whether jobs of this challenge type can be disputed by a fraud proof. */
    public static boolean disputable(String challengeType) {
        return "matmul".equals(challengeType) || "inference".equals(challengeType);
    }

    public static FraudVerdict verify(String challengeType, JsonNode proof, JsonNode taskPayload, String resultHash) {
        try {
            return switch (challengeType) {
                case "matmul" -> FraudProofVerifier.verify(FraudProof.fromJson(proof), taskPayload, resultHash);
                case "inference" -> InferenceFraudVerifier.verify(InferenceFraudProof.fromJson(proof), taskPayload,
                        resultHash);
                default -> new FraudVerdict.Malformed(challengeType + " jobs have no fraud proof");
            };
        } catch (IllegalArgumentException e) {
            return new FraudVerdict.Malformed("the payload is not a valid fraud proof: " + e.getMessage());
        }
    }
}
