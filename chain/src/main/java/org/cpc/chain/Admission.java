package org.cpc.chain;

/** The answer to a transaction submitted to the mempool. */
public sealed interface Admission {
    /** Kept in the mempool; it will be proposed when its nonce comes up. */
    record Accepted(String txHash) implements Admission {}

    /**
     * Refused, with the rule that failed in words a client can act on ("nonce 3 is below the account's next
     * nonce 5", "signature has a high S value; use low-S signatures").
     */
    record Rejected(String txHash, String reason) implements Admission {}
}
