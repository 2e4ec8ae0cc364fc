package org.cpc.consensus;

/** A commit certificate that does not prove finality; the message says which rule it breaks. */
public final class InvalidCommitException extends Exception {
    public InvalidCommitException(String message) {
        super(message);
    }
}
