package org.cpc.testnet;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import org.cpc.client.NodeClient;
import org.cpc.compute.gemm.Backends;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.poc.NodeLedger;
import org.cpc.poc.PocConfig;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.worker.PoolWorker;
import org.cpc.worker.StatusReporter;

/**
 * The market's child processes in a chaos run, each until SIGTERM or SIGKILL:
 * <ul>
 *   <li>{@code MarketMain poc NODE_DATA_DIR NODE_URL POC_DIR PORT}: a PoC validator as {@code cpc poc start} runs
 *   one, signing with the operator key of the node data dir (node0's: the genesis PoC validator), talking to L1 at
 *   {@code NODE_URL} (a fault proxy in front of node0's REST port), its state in {@code POC_DIR} (kept across a
 *   restart), on a fixed {@code PORT} so the workers find it again after a restart;</li>
 *   <li>{@code MarketMain worker WS_URL PRIVATE_KEY_HEX}: a pool worker as {@code cpc worker start --pool} runs one,
 *   one job at a time on one CPU thread.</li>
 * </ul>
 * Like {@link NodeMain} it lives here because the {@code cpc} command depends on this module.
 */
public final class MarketMain {
    /**
     * A job is handed to another worker after this long without an answer (the command's minimum): a job in flight
     * on a worker when the PoC validator was killed goes out again soon after the restart.
     */
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(10);

    private MarketMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 5 && args[0].equals("poc")) {
            poc(Path.of(args[1]), args[2], Path.of(args[3]), Integer.parseInt(args[4]));
        } else if (args.length == 3 && args[0].equals("worker")) {
            worker(URI.create(args[1]), AccountKey.of(Hex.decode(args[2])));
        } else {
            throw new IllegalArgumentException("usage: MarketMain poc NODE_DATA_DIR NODE_URL POC_DIR PORT"
                    + " | MarketMain worker WS_URL PRIVATE_KEY_HEX");
        }
    }

    private static void poc(Path nodeDir, String nodeUrl, Path pocDir, int port) throws InterruptedException {
        AccountKey operator = new Keyring(new DataDir(nodeDir).keys())
                .unlockSecp256k1(NodeInit.OPERATOR_KEY, NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
        // Every job is checked against the chain's trace roots; the random duplicate run would only cost CPU here.
        PocConfig config = PocConfig.defaults(pocDir).withPort(port).withJobTimeout(JOB_TIMEOUT)
                .withDuplicateProbability(0).withHeartbeat(Duration.ofSeconds(1));
        PocValidator v = PocValidator.start(config, operator, new NodeLedger(new NodeClient(nodeUrl)),
                InstantSource.system());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            v.close();
            stopped.countDown();
        }));
        System.out.println("PoC validator " + operator.address() + " at " + v.url() + " on L1 " + nodeUrl);
        stopped.await();
    }

    private static void worker(URI pool, AccountKey key) throws InterruptedException {
        PoolWorker w = new PoolWorker(pool, key, Backends.select("cpu", 1),
                new StatusReporter(new PrintWriter(new ByteArrayOutputStream(), true), false),
                PoolWorker.Options.defaults().withMaxJobs(1));
        Runtime.getRuntime().addShutdownHook(new Thread(w::stop));
        System.out.println("pool worker " + key.address() + " on " + pool);
        w.run();
    }
}
