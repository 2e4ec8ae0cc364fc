package org.cpc.node.api;

import java.math.BigInteger;
import java.time.InstantSource;
import org.cpc.chain.Admission;
import org.cpc.chain.Chain;
import org.cpc.client.TxBuilder;
import org.cpc.http.ApiException;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.AddressException;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;

/**
 * Devnet's faucet: an account funded in genesis whose key the node holds. Each request becomes an ordinary signed
 * TRANSFER at the minimum gas price, so it shows up in blocks like any other transaction.
 */
public final class Faucet {
    private final Chain chain;
    private final AccountKey key;
    private final BigInteger maxWei;
    private final InstantSource clock;

    public Faucet(Chain chain, AccountKey key, BigInteger maxWei, InstantSource clock) {
        this.chain = chain;
        this.key = key;
        this.maxWei = maxWei;
        this.clock = clock;
    }

    public String address() {
        return key.address();
    }

    public BigInteger maxWei() {
        return maxWei;
    }

    /**
     * Sends {@code amountCpc} (decimal CPC) to {@code address}. Serialised so that concurrent requests take
     * consecutive nonces instead of colliding on one.
     */
    public synchronized Admission send(String address, String amountCpc) {
        try {
            Address.decodeAccount(address);
        } catch (AddressException e) {
            throw ApiException.badRequest("address '" + address + "' is not a cpc1... account address: " + e.getMessage());
        }
        BigInteger wei;
        try {
            wei = Amounts.parseCpc(amountCpc);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (wei.signum() == 0) throw ApiException.badRequest("amount must be more than 0");
        if (wei.compareTo(maxWei) > 0) {
            throw ApiException.badRequest("the faucet gives at most " + Amounts.formatCpc(maxWei)
                    + " CPC per request; ask for less or make several requests");
        }
        Transaction tx = TxBuilder.of(chain.params(), key).nonce(chain.nextNonce(key.address()))
                .timestamp(clock.millis() / 1000).transfer(address, wei);
        return chain.submit(tx);
    }
}
