package org.cpc.compute.market;

import org.cpc.compute.Verification;

/**
 * Checks the outputs of one task's jobs. Made once per task by {@link ChallengeType#verifier}: it may hold what is
 * common to all jobs (Freivalds' vectors and B·r, kept private by the PoC validator). Thread-safe.
 */
@FunctionalInterface
public interface JobVerifier {
    /** Whether {@code output} is a correct output of job {@code index}; the reason names what is wrong. */
    Verification verify(int index, byte[] output);
}
