package org.cpc.compute.market;

/** What {@link FraudProofVerifier} found: the entry is wrong, it is right, or the proof proves nothing. */
public sealed interface FraudVerdict {
    /** For people and logs: what was found, in one sentence. */
    String reason();

    /** The committed entry differs from the dot product: the job's result is wrong. */
    record EntryWrong(int claimed, int correct) implements FraudVerdict {
        @Override
        public String reason() {
            return "the committed entry is " + claimed + ", but row · column = " + correct;
        }
    }

    /** Every path holds and the committed entry is the dot product: the proof is false. */
    record EntryRight(int value) implements FraudVerdict {
        @Override
        public String reason() {
            return "the committed entry " + value + " equals row · column: the job's result is right there";
        }
    }

    /** The proof does not fit the task or a path does not lead to its commitment; {@code reason} names which. */
    record Malformed(String reason) implements FraudVerdict {}
}
