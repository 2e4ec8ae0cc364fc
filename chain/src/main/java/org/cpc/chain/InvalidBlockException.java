package org.cpc.chain;

/** A block that breaks a rule of the protocol; the message names the rule and the offending values. */
public class InvalidBlockException extends Exception {
    public InvalidBlockException(String message) {
        super(message);
    }
}
