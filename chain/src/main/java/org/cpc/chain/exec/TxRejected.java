package org.cpc.chain.exec;

/** A transaction broke a rule; the message names the rule and the values, in words a client can act on. */
public final class TxRejected extends Exception {
    public TxRejected(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
