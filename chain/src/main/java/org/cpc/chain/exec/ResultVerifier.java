package org.cpc.chain.exec;

import org.cpc.protocol.types.ComputeResult;

/**
 * Checks a SUBMIT_RESULT's proof. Called after every cheap rule passed (structure, worker = sender, window,
 * task_id, no earlier accepted result), so an implementation may be expensive; it must be deterministic and may be
 * called from several threads. The node verifies a given transaction once (see {@link VerifiedCache}).
 */
public interface ResultVerifier {
    Verdict verify(ComputeResult result, VerificationContext ctx);

    /** The answer: valid, or the rule the proof broke. */
    record Verdict(boolean valid, String reason) {
        private static final Verdict OK = new Verdict(true, null);

        public static Verdict ok() {
            return OK;
        }

        public static Verdict invalid(String reason) {
            return new Verdict(false, reason);
        }
    }
}
