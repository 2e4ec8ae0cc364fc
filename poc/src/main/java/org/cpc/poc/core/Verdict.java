package org.cpc.poc.core;

/** What checking a worker's output for a job found (the edge that ran {@link Effect.Verify} reports it). */
public sealed interface Verdict {
    /**
     * The output is right; {@code resultHash} is its challenge type's commitment (what the worker signed, what L1
     * records, and the key the output is kept under), {@code signature} the worker's (hex), for the job's
     * ComputeResult. {@code inlineOutput} is its bytes when they are small enough to be written with the job's
     * record ({@link PocMachine#INLINE_OUTPUT_BYTES}); null when they were stored as a file already.
     */
    record Good(String resultHash, String signature, byte[] inlineOutput) implements Verdict {}

    /** The output is wrong (or the frame unusable), for {@code reason}. */
    record Wrong(String reason) implements Verdict {}

    /**
     * A duplicate run differed from the first output, and recomputation sided with the duplicate: the first worker
     * was wrong, this output is the truth.
     */
    record FirstWasWrong(String resultHash, String signature, byte[] inlineOutput) implements Verdict {}
}
