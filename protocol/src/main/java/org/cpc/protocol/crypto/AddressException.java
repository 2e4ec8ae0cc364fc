package org.cpc.protocol.crypto;

/** A bech32 string or address that cannot be decoded; the message says what is wrong with it. */
public final class AddressException extends IllegalArgumentException {
    public AddressException(String message) {
        super(message);
    }
}
