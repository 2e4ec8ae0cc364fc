package org.cpc.poc.core;

/** What checking a worker's output for a job found (the edge that ran {@link Effect.Verify} reports it). */
public sealed interface Verdict {
    /**
     * The output is right; {@code hash} names its bytes (SHA-256: how they are stored), {@code resultHash} is its
     * challenge type's commitment (what the worker signed and L1 records), {@code signature} is the worker's (hex), for the job's ComputeResult. {@code inlineOutput} is its bytes when they are small enough to be written with the job's
     * record ({@link PocMachine#INLINE_OUTPUT_BYTES}); null when they were stored as a blob file already.
     */
    record Good(String hash, String resultHash, String signature, byte[] inlineOutput) implements Verdict {}

    /** The output is wrong (or the frame unusable), for {@code reason}. */
    record Wrong(String reason) implements Verdict {}

    /**
     * A duplicate run differed from the first output, and recomputation sided with the duplicate: the first worker
     * was wrong, this output is the truth.
     */
    record FirstWasWrong(String hash, String resultHash, String signature, byte[] inlineOutput) implements Verdict {}
}
