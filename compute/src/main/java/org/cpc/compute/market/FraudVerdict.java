package org.cpc.compute.market;

/** What a fraud proof's verifier found: the entry is wrong, it is right, or the proof proves nothing. */
public sealed interface FraudVerdict {
    /** For people and logs: what was found, in one sentence. */
    String reason();

    /**
     * The committed entry differs from what it must be: the job's result is wrong. {@code rule} names what the entry
     * was recomputed as ("row · column" for matmul).
     */
    record EntryWrong(int claimed, int correct, String rule) implements FraudVerdict {
        public EntryWrong(int claimed, int correct) {
            this(claimed, correct, "row · column");
        }

        @Override
        public String reason() {
            return "the committed entry is " + claimed + ", but " + rule + " = " + correct;
        }
    }

    /** Every path holds and the committed entry is what it must be: the proof is false. */
    record EntryRight(int value, String rule) implements FraudVerdict {
        public EntryRight(int value) {
            this(value, "row · column");
        }

        @Override
        public String reason() {
            return "the committed entry " + value + " equals " + rule + ": the job's result is right there";
        }
    }

    /** The proof does not fit the task or a path does not lead to its commitment; {@code reason} names which. */
    record Malformed(String reason) implements FraudVerdict {}
}
