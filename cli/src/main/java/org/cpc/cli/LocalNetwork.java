package org.cpc.cli;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cpc.node.DataDir;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.testnet.Ports;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.params.NetworkParams;

/**
 * Devnet validator nodes running in this process, node0 first, each over its own data dir: what {@code cpc devnet
 * --validators N} and {@code cpc bench tps --validators N} run. Closing it closes every node.
 */
final class LocalNetwork implements AutoCloseable {
    private final List<NodeRunner> nodes;

    private LocalNetwork(List<NodeRunner> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts the nodes of initialised devnet data dirs, node {@code i} with REST port {@code restBasePort + i}
     * (0: each takes a free port); if one fails to start, those already up are closed.
     */
    static LocalNetwork start(List<DataDir> dirs, int restBasePort) {
        // One validator has no peers; its P2P port is a free one so it never collides with a node on the default
        // port. Several listen where their node.json says, since each one's peers dial it there.
        NodeConfig.P2p p2p = dirs.size() == 1 ? NodeConfig.P2p.listening("127.0.0.1:0") : null;
        List<NodeRunner> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < dirs.size(); i++) {
                nodes.add(NodeRunner.start(dirs.get(i), restBasePort == 0 ? 0 : restBasePort + i, p2p,
                        InstantSource.system(), () -> {
                            throw new IllegalStateException("devnet node.json has no key_password; recreate it with --reset");
                        }));
            }
        } catch (RuntimeException e) {
            nodes.forEach(NodeRunner::close);
            throw e;
        }
        return new LocalNetwork(nodes);
    }

    /** Generates a fresh devnet of {@code n} validators under {@code dir} on free loopback ports and starts it. */
    static LocalNetwork generate(Path dir, NetworkParams params, int n) {
        int[] p2p = Ports.freeLoopback(n);
        List<NodeInit.Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(new NodeInit.Member(NodeInit.nodeDir(dir, i), 0, NodeInit.DEFAULT_POWER, "127.0.0.1:" + p2p[i]));
        }
        List<DataDir> dirs = NodeInit.network(params, members, NodeInit.DEFAULT_VALIDATOR_KEY, null,
                System.currentTimeMillis()).stream().map(NodeInit.Result::dataDir).toList();
        return start(dirs, 0);
    }


    List<NodeRunner> nodes() {
        return nodes;
    }

    List<String> urls() {
        return nodes.stream().map(n -> "http://127.0.0.1:" + n.port()).toList();
    }

    @Override
    public void close() {
        // node0 last: it holds the faucet and the devnet's workers talk to it
        List<NodeRunner> reversed = new ArrayList<>(nodes);
        Collections.reverse(reversed);
        reversed.forEach(NodeRunner::close);
    }
}
