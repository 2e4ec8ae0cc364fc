package org.cpc.chain.staking;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * What a BOND or UNBOND payload says. BOND: {@code {"role":"worker"}} or
 * {@code {"role":"poc_validator","endpoint":"<http(s) URL>","name":"<text>"}} (name optional); UNBOND:
 * {@code {"role"}}. A PoC validator's endpoint is its Task Market's HTTP base URL (the worker WebSocket is
 * {@code /worker} under it); each BOND of a PoC validator sets it again, so an amount-0 BOND moves a market.
 */
public record BondPayload(BondRole role, String endpoint, String name) {
    /** Longest endpoint URL and name, in characters. */
    public static final int MAX_ENDPOINT = 200, MAX_NAME = 64;
    private static final Set<String> BOND_FIELDS = Set.of("role", "endpoint", "name"), UNBOND_FIELDS = Set.of("role");

    /** The stateless rules of a BOND or UNBOND: no recipient, its amount, its payload. */
    public static BondPayload check(Transaction tx) throws TxRejected {
        TxType t = tx.txType();
        if (tx.toAddress() != null) throw new TxRejected(t + " must have to_address null");
        if (t == TxType.UNBOND && tx.amount().signum() <= 0) {
            throw new TxRejected("UNBOND must carry an amount above 0 wei");
        }
        JsonFields f;
        BondRole role;
        try {
            f = JsonFields.of(tx.payload(), t + " payload", t == TxType.BOND ? BOND_FIELDS : UNBOND_FIELDS);
            role = BondRole.parse(f.string("role"));
        } catch (IllegalArgumentException e) {
            throw new TxRejected(e.getMessage() + "; " + t + "'s payload is "
                    + (t == TxType.BOND ? "{\"role\":\"worker\"} or {\"role\":\"poc_validator\",\"endpoint\":\"https://...\","
                    + "\"name\":\"...\"}" : "{\"role\":\"worker\"|\"poc_validator\"}"));
        }
        if (t == TxType.UNBOND || role == BondRole.WORKER) {
            if (t == TxType.BOND && (f.optionalString("endpoint") != null || f.optionalString("name") != null)) {
                throw new TxRejected("a worker's BOND carries only {\"role\":\"worker\"}");
            }
            return new BondPayload(role, null, null);
        }
        String endpoint = f.optionalString("endpoint");
        if (endpoint == null) throw new TxRejected("a PoC validator's BOND needs endpoint: its Task Market's base URL");
        checkEndpoint(endpoint);
        String name = f.optionalString("name");
        if (name == null) name = "";
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new TxRejected("name must be at most " + MAX_NAME + " characters, none of them control characters");
        }
        return new BondPayload(role, endpoint, name);
    }

    private static void checkEndpoint(String endpoint) throws TxRejected {
        if (endpoint.length() > MAX_ENDPOINT) {
            throw new TxRejected("endpoint is " + endpoint.length() + " characters; at most " + MAX_ENDPOINT);
        }
        try {
            URI u = new URI(endpoint);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getQuery() != null || u.getFragment() != null) {
                throw new URISyntaxException(endpoint, "not an http(s) URL with a host and no query or fragment");
            }
        } catch (URISyntaxException e) {
            throw new TxRejected("endpoint '" + endpoint + "' is not an http(s) base URL (" + e.getReason() + ")");
        }
    }
}
