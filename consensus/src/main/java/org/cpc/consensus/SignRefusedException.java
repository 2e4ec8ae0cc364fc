package org.cpc.consensus;

/**
 * A guarded signer ({@link GuardedSigner}) refused to sign: the request is for a (height, round, step) earlier than
 * one already signed, or for the same one with different sign bytes. Signing it could equivocate (a slashable double
 * sign), so the state machine sends nothing instead, as if its message had been lost.
 */
public final class SignRefusedException extends RuntimeException {
    public SignRefusedException(String message) {
        super(message);
    }
}
