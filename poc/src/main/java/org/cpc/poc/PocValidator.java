package org.cpc.poc;

import java.time.InstantSource;
import org.cpc.protocol.keys.AccountKey;

/**
 * A running PoC validator: its store, blobs, market core and Task Market server. {@link #close()} stops it; a new
 * one on the same data dir picks up where it was.
 */
public final class PocValidator implements AutoCloseable {
    private final PocStore store;
    private final BlobStore blobs;
    private final Market market;
    private final MarketServer server;

    private PocValidator(PocStore store, BlobStore blobs, Market market, MarketServer server) {
        this.store = store;
        this.blobs = blobs;
        this.market = market;
        this.server = server;
    }

    public static PocValidator start(PocConfig config, AccountKey key, Ledger ledger, InstantSource clock) {
        PocStore store = new PocStore(config.dataDir().resolve("db"));
        try {
            BlobStore blobs = new BlobStore(config.dataDir().resolve("blobs"), config.maxBlobBytes(), clock);
            Market market = new Market(config, store, blobs, ledger, key, clock);
            try {
                MarketServer server = new MarketServer(market, blobs, config).start();
                return new PocValidator(store, blobs, market, server);
            } catch (RuntimeException e) {
                market.close();
                throw e;
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public String workerUrl() {
        return "ws://127.0.0.1:" + port() + "/worker";
    }

    public Market market() {
        return market;
    }

    public MarketServer server() {
        return server;
    }

    public PocStore store() {
        return store;
    }

    public BlobStore blobs() {
        return blobs;
    }

    @Override
    public void close() {
        server.close();
        market.close();
        store.close();
    }
}
