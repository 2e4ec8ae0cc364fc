package org.cpc.chain.exec;

/** A transaction broke a rule; the message names the rule and the values, in words a client can act on. */
public class TxRejected extends Exception {
    public TxRejected(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }

    /** A result whose proof does not verify: the expensive kind of rejection, which admission rate-limits. */
    public static final class InvalidProof extends TxRejected {
        public InvalidProof(String reason) {
            super(reason);
        }
    }
}
