package org.cpc.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.cpc.client.NodeClient;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.protocol.params.NetworkParams;

/**
 * N devnet validators of equal power, each a child JVM ({@link NodeMain}) over its own data dir under {@code dir},
 * with every pair of nodes connected through its own {@link FaultProxy}: node {@code i} dials node {@code j > i}
 * only through the proxy of link (i, j), so every byte between two nodes passes the proxy the harness controls.
 *
 * <p>Peer exchange would tell a node the others' real addresses and let it dial round a partition. Every node
 * therefore advertises one shared address, which each takes for its own and never dials (and which nothing would
 * answer on: a harness socket that closes every connection).
 */
public final class Testnet implements AutoCloseable {
    /** Most validators: every pair is a proxy with four virtual threads per connection, and each node a JVM. */
    public static final int MAX_NODES = 16;

    private final Path dir;
    private final NetworkParams params;
    private final int n;
    private final List<Path> dataDirs = new ArrayList<>();
    private final List<NodeClient> clients = new ArrayList<>();
    /** links[i][j], i < j: the proxy node i dials to reach node j. */
    private final FaultProxy[][] links;
    private final ChildJvm[] children;
    /** The Task Market processes of a market run ({@link Market#start}); null in a run without one. */
    private Market market;
    private final boolean[] paused;
    private final ServerSocket nowhere;
    private final String faucetAddress;

    private Testnet(Path dir, NetworkParams params, int n) {
        if (n < 2 || n > MAX_NODES) throw new IllegalArgumentException("nodes must be 2.." + MAX_NODES + ", not " + n);
        this.dir = dir;
        this.params = params;
        this.n = n;
        this.links = new FaultProxy[n][n];
        this.children = new ChildJvm[n];
        this.paused = new boolean[n];
        try {
            nowhere = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen: " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("testnet-nowhere").start(this::refuseAll);
        int[] rest = Ports.freeLoopback(n);
        int[] p2p = Ports.freeLoopback(n);
        List<NodeInit.Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dataDirs.add(NodeInit.nodeDir(dir, i));
            members.add(new NodeInit.Member(dataDirs.get(i), rest[i], NodeInit.DEFAULT_POWER, "127.0.0.1:" + p2p[i]));
            clients.add(new NodeClient("http://127.0.0.1:" + rest[i]));
        }
        List<NodeInit.Result> made = NodeInit.network(params, members, NodeInit.DEFAULT_VALIDATOR_KEY, null,
                System.currentTimeMillis());
        faucetAddress = made.getFirst().faucetAddress();
        String advertise = "127.0.0.1:" + nowhere.getLocalPort();
        for (int i = 0; i < n; i++) {
            List<String> peers = new ArrayList<>();
            for (int j = i + 1; j < n; j++) {
                links[i][j] = new FaultProxy("node" + i + "-node" + j, new InetSocketAddress("127.0.0.1", p2p[j]));
                peers.add(links[i][j].address());
            }
            NodeConfig c = made.get(i).config();
            c.withP2p(new NodeConfig.P2p(c.p2p().listen(), advertise, peers, c.p2p().maxInbound(),
                    c.p2p().maxOutbound())).write(dataDirs.get(i));
        }
    }

    /** Generates a fresh network of {@code n} validators under {@code dir} (which must not hold one) and starts it. */
    public static Testnet start(Path dir, int n, long blockTimeMs) {
        Testnet t = new Testnet(dir, params(blockTimeMs), n);
        for (int i = 0; i < n; i++) t.start(i);
        return t;
    }

    /** The network's parameters: devnet's, with synthetic tasks shrunk to 16×16 (no worker runs). */
    public static NetworkParams params(long blockTimeMs) {
        return NetworkParams.devnet().withSynthetic(16, 4).withBlockTime(blockTimeMs).withChainId("cpc-chaos-1");
    }

    /** How many lines of node {@code i}'s log (all its runs) contain {@code text}. */
    public long logLines(int i, String text) {
        try (var lines = java.nio.file.Files.lines(dir.resolve("node" + i + ".log"))) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    public int size() {
        return n;
    }

    public NetworkParams params() {
        return params;
    }

    public NodeClient client(int i) {
        return clients.get(i);
    }

    public String faucetAddress() {
        return faucetAddress;
    }

    public Path dir() {
        return dir;
    }

    /** Node {@code i}'s data dir (its keyring holds its operator key). */
    public Path dataDir(int i) {
        return dataDirs.get(i);
    }

    synchronized void attach(Market m) {
        if (market != null) throw new IllegalStateException("a market is already attached");
        market = m;
    }

    /** The attached Task Market; a market fault on a run without one is a scenario mistake. */
    public synchronized Market market() {
        if (market == null) throw new IllegalStateException("this run has no Task Market (a market scenario starts one)");
        return market;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Processes

    public synchronized void start(int i) {
        if (children[i] != null && children[i].alive()) throw new IllegalStateException("node" + i + " is running");
        Path clock = clockFile(i);
        if (!java.nio.file.Files.exists(clock)) SkewedClock.write(clock, 0);
        children[i] = ChildJvm.start(dir.resolve("node" + i + ".log"), NodeMain.class, dataDirs.get(i).toString(),
                NodeMain.CLOCK_OFFSET_FILE, clock.toString());
        paused[i] = false;
    }

    /**
     * Skews node {@code i}'s clock by {@code offsetMs} from the machine's (0: correct again). The running node
     * follows within {@link SkewedClock#REFRESH_MS}; a restart keeps the skew.
     */
    public void skew(int i, long offsetMs) {
        SkewedClock.write(clockFile(i), offsetMs);
    }

    private Path clockFile(int i) {
        return dir.resolve("node" + i + ".clock");
    }

    /** {@code kill -9}. */
    public synchronized void kill(int i) throws InterruptedException {
        children[i].kill();
        paused[i] = false;
    }

    public synchronized void pause(int i) throws InterruptedException {
        children[i].pause();
        paused[i] = true;
    }

    public synchronized void resume(int i) throws InterruptedException {
        children[i].resume();
        paused[i] = false;
    }

    /** Node {@code i}'s process id (of its current process, when restarted). */
    public synchronized long pid(int i) {
        if (children[i] == null) throw new IllegalStateException("node" + i + " was never started");
        return children[i].pid();
    }

    /** Running and not stopped: the node can answer. */
    public synchronized boolean up(int i) {
        return children[i] != null && children[i].alive() && !paused[i];
    }

    public synchronized String tail(int i, int lines) {
        return children[i] == null ? "(never started)" : children[i].log() + ":\n" + children[i].tail(lines);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Links

    /** Blocks (or unblocks) the bytes node {@code from} sends to node {@code to}. */
    public void block(int from, int to, boolean blocked) {
        link(from, to).block(dir(from, to), blocked);
    }

    /** Shapes what node {@code from} sends to node {@code to}. */
    public void shape(int from, int to, FaultProxy.Shape shape) {
        link(from, to).shape(dir(from, to), shape);
    }

    /** Blocks both directions between the groups: nodes talk only within their own group. */
    public void partition(List<Set<Integer>> groups) {
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b && group(groups, a) != group(groups, b)) block(a, b, true);
            }
        }
    }

    /** Closes the connections of every link of {@code nodes}. */
    public void reset(Collection<Integer> nodes) {
        for (int a : nodes) {
            for (int b = 0; b < n; b++) if (a != b) link(a, b).reset();
        }
    }

    /** Every link clean again: nothing blocked, no latency or bandwidth limit. */
    public void healLinks() {
        for (FaultProxy[] row : links) for (FaultProxy p : row) if (p != null) p.heal();
    }

    public List<Integer> nodes() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(i);
        return Collections.unmodifiableList(all);
    }

    private FaultProxy link(int a, int b) {
        return a < b ? links[a][b] : links[b][a];
    }

    /** The lower node dials, so its bytes flow FORWARD through the link's proxy. */
    private static FaultProxy.Dir dir(int from, int to) {
        return from < to ? FaultProxy.Dir.FORWARD : FaultProxy.Dir.BACKWARD;
    }

    private static int group(List<Set<Integer>> groups, int node) {
        for (int g = 0; g < groups.size(); g++) if (groups.get(g).contains(node)) return g;
        return -1 - node; // in no group: alone
    }

    private void refuseAll() {
        while (!nowhere.isClosed()) {
            try (Socket s = nowhere.accept()) {
                // nothing: the dialler sees its connection closed
            } catch (IOException e) {
                return;
            }
        }
    }


    @Override
    public synchronized void close() throws InterruptedException {
        // The market first: its PoC validator should not be left sending to nodes that are going away.
        if (market != null) market.close();
        for (ChildJvm c : children) if (c != null) c.close();
        for (FaultProxy[] row : links) for (FaultProxy p : row) if (p != null) p.close();
        try {
            nowhere.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
