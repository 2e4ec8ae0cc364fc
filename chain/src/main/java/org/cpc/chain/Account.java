package org.cpc.chain;

import java.math.BigInteger;

/** An account's committed state: balance in wei and the next nonce it must use. */
public record Account(BigInteger balance, long nonce) {
    public static final Account EMPTY = new Account(BigInteger.ZERO, 0);
}
