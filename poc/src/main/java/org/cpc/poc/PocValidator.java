package org.cpc.poc;

import java.security.SecureRandom;
import java.time.InstantSource;
import org.cpc.poc.core.PocMachine;
import org.cpc.protocol.keys.AccountKey;

/**
 * A running PoC validator: its store and blobs, the {@link PocMachine} and the edges around it (the driver, the
 * output checks, the L1 outbox, the retention sweeper, the Task Market server). {@link #close()} stops it; a new one
 * on the same data dir picks up where it was.
 */
public final class PocValidator implements AutoCloseable {
    private final PocStore store;
    private final BlobStore blobs;
    private final PocDriver driver;
    private final L1Outbox outbox;
    private final RetentionSweeper retention;
    private final MarketServer server;

    private PocValidator(PocStore store, BlobStore blobs, PocDriver driver, L1Outbox outbox, RetentionSweeper retention,
                         MarketServer server) {
        this.store = store;
        this.blobs = blobs;
        this.driver = driver;
        this.outbox = outbox;
        this.retention = retention;
        this.server = server;
    }

    public static PocValidator start(PocConfig config, AccountKey key, Ledger ledger, InstantSource clock) {
        return start(config, key, ledger, clock, null);
    }

    /**
     * Starts a PoC validator and, when {@code announceAs} is not null, announces its Task Market's URL on L1 under
     * that name ({@link EndpointAnnouncer}: a BOND of 0 to a key already bonded as a PoC validator) once the server
     * listens and before the L1 outbox starts. Throws {@link IllegalStateException} (everything stopped again) when
     * the announcement is refused or not included.
     */
    public static PocValidator start(PocConfig config, AccountKey key, Ledger ledger, InstantSource clock,
                                     String announceAs) {
        PocStore store = new PocStore(config.dataDir().resolve("db"));
        PocDriver driver = null;
        L1Outbox outbox = null;
        RetentionSweeper retention = null;
        MarketServer server = null;
        try {
            BlobStore blobs = new BlobStore(config.dataDir().resolve("blobs"), config.maxBlobBytes(), clock);
            JobOutputs outputs = new JobOutputs(store,
                    new BlobStore(config.dataDir().resolve("outputs"), config.maxBlobBytes(), clock), blobs);
            PocMachine machine = new PocMachine(config.rules(key.address()), new SecureRandom());
            driver = new PocDriver(machine, store, new OutputChecker(blobs, outputs), clock);
            driver.start();
            outbox = new L1Outbox(driver, ledger, key, config.maxPendingL1());
            retention = new RetentionSweeper(driver, blobs, outputs.files(), ledger, config.retention(),
                    new DisputeWatch(ledger, key.address(), driver.metrics()), clock);
            retention.start();
            server = new MarketServer(driver, new TaskIntake(driver, blobs, ledger, config), retention, store, blobs,
                    outputs, config).start();
            if (announceAs != null) {
                EndpointAnnouncer.announce(ledger, key, "http://" + config.host() + ":" + server.port(), announceAs);
            }
            outbox.start(); // tasks created meanwhile wait in "publishing" for it
            return new PocValidator(store, blobs, driver, outbox, retention, server);
        } catch (RuntimeException | InterruptedException e) {
            if (server != null) server.close();
            if (retention != null) retention.close();
            if (outbox != null) outbox.close();
            if (driver != null) driver.close();
            store.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while announcing the Task Market's endpoint", e);
            }
            throw (RuntimeException) e;
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

    /** Jobs verified, accepted and synced since this PoC validator started. */
    public long jobsAccepted() {
        return driver.jobsAccepted();
    }

    /** The connected workers, as {@code GET /workers} shows them. */
    public com.fasterxml.jackson.databind.JsonNode workers() {
        return PocDriver.await(driver.call(PocMachine::workers));
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

    PocDriver driver() {
        return driver;
    }

    RetentionSweeper retention() {
        return retention;
    }

    L1Outbox outbox() {
        return outbox;
    }

    @Override
    public void close() {
        server.close();
        retention.close();
        outbox.close();
        driver.close();
        store.close();
    }
}
