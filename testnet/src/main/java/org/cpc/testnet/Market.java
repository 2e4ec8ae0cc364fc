package org.cpc.testnet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cpc.poc.MarketClient;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;

/**
 * The Task Market of a chaos run: a PoC validator process signing with node0's operator key (the network's genesis
 * PoC validator) and talking to node0's REST API through a {@link FaultProxy}, and {@link #WORKERS} pool worker
 * processes connected to it. The PoC validator keeps its state dir and port across a restart, as an operator's
 * would; the workers re-dial it by themselves.
 */
public final class Market implements AutoCloseable {
    public static final int WORKERS = 2;
    /**
     * How long a kill waits for a task under way; under the market load one almost always is (a task's results take
     * a few blocks to settle), so this bounds only the unlucky case.
     */
    static final Duration OPEN_TASK_WAIT = Duration.ofSeconds(30);
    private static final long OPEN_TASK_POLL_MS = 20;

    private final History history;
    private final Path dir;
    private final Path nodeDir;
    private final FaultProxy l1;
    private final int port;
    private final List<AccountKey> workerKeys = new ArrayList<>();
    private final List<ChildJvm> workers = new ArrayList<>();
    private ChildJvm poc;

    private Market(Testnet net, History history) {
        this.history = history;
        this.dir = net.dir();
        this.nodeDir = net.dataDir(0);
        var rest = net.client(0).base();
        this.l1 = new FaultProxy("poc-node0", new InetSocketAddress(rest.getHost(), rest.getPort()));
        this.port = Ports.freeLoopback(1)[0];
        for (int i = 0; i < WORKERS; i++) workerKeys.add(AccountKey.of(Secp256k1.randomPrivateKey()));
    }

    /** Starts the PoC validator and the workers for {@code net}'s node0, and attaches them to {@code net}. */
    public static Market start(Testnet net, History history) {
        Market m = new Market(net, history);
        net.attach(m);
        m.startPoc();
        for (int i = 0; i < WORKERS; i++) {
            // A throwaway key of a test network, passed to a child of this process only.
            m.workers.add(ChildJvm.start(m.dir.resolve("worker" + i + ".log"), MarketMain.class, "worker",
                    "ws://127.0.0.1:" + m.port + "/worker", Hex.encode(m.workerKeys.get(i).privateKey())));
        }
        return m;
    }

    /** The Task Market's base URL (the same after a restart). */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public List<String> workerAddresses() {
        return workerKeys.stream().map(AccountKey::address).toList();
    }

    public synchronized void startPoc() {
        if (poc != null && poc.alive()) throw new IllegalStateException("the PoC validator is running");
        poc = ChildJvm.start(dir.resolve("poc.log"), MarketMain.class, "poc", nodeDir.toString(),
                "http://" + l1.address(), dir.resolve("poc").toString(), Integer.toString(port));
    }

    /**
     * {@code kill -9} of the PoC validator mid-task: first waits (at most {@link #OPEN_TASK_WAIT}) until it has a task
     * with jobs under way (market status {@code in_progress}: a job accepted, the task not yet settled on L1).
     *
     * The history records the kill and whether such a task was open ({@link History.PocKilled}).
     */
    public void killPoc() throws InterruptedException {
        MarketClient c = new MarketClient(url());
        long until = System.nanoTime() + OPEN_TASK_WAIT.toNanos();
        boolean open = false;
        while (!open && System.nanoTime() < until) {
            try {
                open = c.list("in_progress", null, 1, 0).path("tasks").size() > 0;
            } catch (MarketClient.MarketException e) {
                // not answering: kill it as it is
                break;
            }
            if (!open) Thread.sleep(OPEN_TASK_POLL_MS);
        }
        synchronized (this) {
            poc.kill();
        }
        history.add(new History.PocKilled(System.currentTimeMillis(), open));
    }

    /** Cuts (or restores) the PoC validator's link to its node, both ways. */
    public void cutL1(boolean cut) {
        l1.block(FaultProxy.Dir.FORWARD, cut);
        l1.block(FaultProxy.Dir.BACKWARD, cut);
        // Idle keep-alive connections would otherwise carry on after the heal with bytes lost mid-request.
        l1.reset();
    }

    public synchronized String tail(int lines) {
        StringBuilder sb = new StringBuilder(poc == null ? "poc: (never started)" : "poc: " + poc.log() + ":\n" + poc.tail(lines));
        for (ChildJvm w : workers) sb.append("\nworker: ").append(w.log()).append(":\n").append(w.tail(lines / 2));
        return sb.toString();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (ChildJvm w : workers) w.close();
        if (poc != null) poc.close();
        l1.close();
    }
}
