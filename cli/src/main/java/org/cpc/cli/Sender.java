package org.cpc.cli;

import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;

/** Who signs a transaction the CLI sends: the chain's rules (the node's /params), the unlocked key and its nonce. */
record Sender(NetworkParams params, AccountKey key, long nonce) {
    /**
     * The chain's rules read from {@code client} (before any password prompt), {@code from} unlocked from the
     * keyring, and {@code nonce}, or when it is null the node's next nonce for the key.
     */
    static Sender of(NodeClient client, KeyringOptions keys, String from, Long nonce) {
        NetworkParams params = NetworkParams.fromJson(client.params());
        AccountKey key = keys.keyring().unlockSecp256k1(from, keys.unlockPassword(from));
        return new Sender(params, key, nonce != null ? nonce : client.balance(key.address()).path("nonce").asLong());
    }

    /** The same with the node's next nonce. */
    static Sender of(NodeUrlOption node, KeyringOptions keys, String from) {
        return of(node.client(), keys, from, null);
    }

    /** A builder for this sender's next transaction at {@code gasPrice} wei per gas, timestamped now. */
    TxBuilder builder(long gasPrice) {
        return TxBuilder.of(params, key).nonce(nonce).gasPrice(gasPrice).timestamp(System.currentTimeMillis() / 1000);
    }
}
