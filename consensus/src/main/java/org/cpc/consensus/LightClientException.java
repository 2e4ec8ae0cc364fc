package org.cpc.consensus;

/** A light block that cannot be trusted; the message names the rule it breaks and the height. */
public final class LightClientException extends Exception {
    public LightClientException(String message) {
        super(message);
    }
}
