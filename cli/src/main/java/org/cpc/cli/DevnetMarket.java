package org.cpc.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.InstantSource;
import java.util.List;
import org.cpc.client.NodeClient;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.poc.NodeLedger;
import org.cpc.poc.PocConfig;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.worker.PoolWorker;

/**
 * The devnet's Task Market: a PoC validator signing with the node's operator account (the devnet's genesis PoC
 * validator), its state in {@code <data dir>/poc}, and pool workers ({@code pool-worker-1}, ... in the data dir's
 * keyring) connected to it, all in this process as separate processes would be.
 */
final class DevnetMarket implements AutoCloseable {
    /** The name the devnet's PoC validator announces with its endpoint (GET /pocs). */
    static final String MARKET_NAME = "devnet market";
    private final PocValidator validator;
    private final List<PoolWorker> workers;

    private DevnetMarket(PocValidator validator, List<PoolWorker> workers) {
        this.validator = validator;
        this.workers = workers;
    }

    static DevnetMarket start(DataDir dir, String nodeUrl, int pocPort, int poolWorkers, String backend,
                              PrintWriter out, PrintWriter err) {
        char[] password = NodeInit.DEVNET_KEY_PASSWORD.toCharArray();
        Keyring keyring = new Keyring(dir.keys());
        AccountKey operator = keyring.unlockSecp256k1(NodeInit.OPERATOR_KEY, password);
        // Its URL goes on chain (BOND 0 with the endpoint), so GET /pocs and `--market auto` find this market.
        PocValidator v = PocValidator.start(PocConfig.defaults(dir.root().resolve("poc")).withPort(pocPort), operator,
                new NodeLedger(new NodeClient(nodeUrl)), InstantSource.system(), MARKET_NAME);
        out.println("  Task Market: " + v.url() + "   (OpenAPI: " + v.url() + "/openapi.json; PoC validator "
                + operator.address() + ")");
        out.println("  workers WS:  " + v.workerUrl());
        List<PoolWorker> list = DevnetWorkers.start(DevnetWorkers.POOL, poolWorkers, dir, backend, out, err,
                (key, compute, reporter) -> new PoolWorker(URI.create(v.workerUrl()), key, compute, reporter,
                        PoolWorker.Options.defaults().withMaxJobs(1)));
        return new DevnetMarket(v, list);
    }

    String url() {
        return validator.url();
    }

    @Override
    public void close() {
        DevnetWorkers.stop(workers);
        validator.close();
    }
}
