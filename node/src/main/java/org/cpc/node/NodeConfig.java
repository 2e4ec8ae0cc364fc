package org.cpc.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.chain.Pruning;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.node.consensus.SignHistoryCheck;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * A node's own settings, {@code node.json} in its data dir. The consensus rules live in {@code genesis.json};
 * this file holds only what may differ between the nodes of one network.
 *
 * @param restHost interface the REST API listens on ({@code 127.0.0.1} unless you mean to expose it)
 * @param restPort REST port; 0 picks a free one (tests)
 * @param validatorKey name in the data dir's keyring ({@code keys/}) of the ML-DSA-65 key this node proposes
 *     blocks with; null for a node that does not validate
 * @param faucetKey the faucet account's key name on devnet; null elsewhere
 * @param faucetMaxCpc the most one faucet request may give, decimal CPC
 * @param keyPassword devnet only: the password of the data dir's keys, stored in the clear because a devnet's keys
 *     protect nothing of value. Null on other networks, where the node asks for it ({@code CPC_PASSWORD} or the
 *     terminal)
 * @param p2p the node's P2P settings; {@link P2p#NONE} (the default of a {@code node.json} written before P2P
 *     existed) runs the node without a network, as a single-validator chain
 * @param limits the connection caps ({@link NodeLimits#DEFAULTS} where node.json does not set them)
 * @param pruning how many blocks the node keeps ({@code "pruning"}: {@code "archive"}, {@code "default"} or a
 *     number; {@link Pruning#DEFAULT} when absent)
 * @param doubleSignCheckBlocks how far back a validator looks for its own key's signatures before it signs, and how
 *     long it then stays silent ({@code "double_sign_check_blocks"}, CometBFT's {@code double_sign_check_height});
 *     0 turns the check off; {@link SignHistoryCheck#LOOKBACK_BLOCKS} when absent
 * @param snapshots when the node takes state snapshots for new nodes to state-sync from ({@code "snapshot_interval"},
 *     {@code "snapshot_keep"}; {@link Snapshots#DEFAULT} when absent); {@code cpc node start}'s flags override them
 */
public record NodeConfig(String restHost, int restPort, String validatorKey, String faucetKey, String faucetMaxCpc,
                         String keyPassword, P2p p2p, NodeLimits limits, Pruning pruning, int doubleSignCheckBlocks,
                         Snapshots snapshots) {
    public static final String FILE = "node.json";
    public static final int DEFAULT_PORT = 8000;
    private static final Set<String> FIELDS = fields();

    private static Set<String> fields() {
        Set<String> all = new java.util.HashSet<>(Set.of("rest_host", "rest_port", "validator_key", "faucet_key",
                "faucet_max_cpc", "key_password", "p2p_listen", "p2p_advertise", "p2p_peers", "p2p_max_inbound",
                "p2p_max_outbound", "pruning", "double_sign_check_blocks", "snapshot_interval", "snapshot_keep"));
        all.addAll(NodeLimits.FIELDS);
        return Set.copyOf(all);
    }

    /**
     * State snapshots: one every {@code interval} blocks (0: none), the newest {@code keep} kept on disk.
     */
    public record Snapshots(long interval, int keep) {
        public static final Snapshots DEFAULT = new Snapshots(SnapshotPolicy.DEFAULT_INTERVAL, SnapshotPolicy.DEFAULT_KEEP);
        /** Each snapshot is a copy of the state on disk; far above what serving peers needs. */
        public static final int MAX_KEEP = 100;

        public Snapshots {
            if (interval < 0) throw new IllegalArgumentException("snapshot_interval must be 0 (none) or more, not " + interval);
            if (keep < 1 || keep > MAX_KEEP) {
                throw new IllegalArgumentException("snapshot_keep must be 1.." + MAX_KEEP + ", not " + keep);
            }
        }
    }

    /**
     * P2P settings.
     *
     * @param listen "host:port" to accept peers on (port 0 picks a free one); null = no P2P at all
     * @param advertise "host:port" peers should dial us on, when it differs from {@code listen} (NAT); null = listen
     * @param peers static peers "host:port", dialled at start and re-dialled when lost
     * @param maxInbound most accepted peer connections
     * @param maxOutbound most dialled peer connections
     */
    public record P2p(String listen, String advertise, List<String> peers, int maxInbound, int maxOutbound) {
        public static final String DEFAULT_LISTEN = "127.0.0.1:26656";
        public static final int DEFAULT_MAX_INBOUND = 40;
        public static final int DEFAULT_MAX_OUTBOUND = 10;
        public static final P2p NONE = new P2p(null, null, List.of(), DEFAULT_MAX_INBOUND, DEFAULT_MAX_OUTBOUND);
        /** Bounds node.json against a typo pasting a huge list; far above any static peer set an operator needs. */
        public static final int MAX_STATIC_PEERS = 256;

        public P2p {
            peers = List.copyOf(peers);
            if (listen != null) address(listen, "p2p_listen");
            if (advertise != null) address(advertise, "p2p_advertise");
            if (listen == null && (advertise != null || !peers.isEmpty())) {
                throw new IllegalArgumentException("p2p_advertise and p2p_peers need p2p_listen");
            }
            if (peers.size() > MAX_STATIC_PEERS) {
                throw new IllegalArgumentException("p2p_peers has " + peers.size() + " entries; at most "
                        + MAX_STATIC_PEERS);
            }
            for (String p : peers) address(p, "p2p_peers");
            if (maxInbound < 0 || maxInbound > 10_000 || maxOutbound < 0 || maxOutbound > 10_000) {
                throw new IllegalArgumentException("p2p_max_inbound and p2p_max_outbound must be 0..10000");
            }
        }

        public static P2p listening(String listen) {
            return new P2p(listen, null, List.of(), DEFAULT_MAX_INBOUND, DEFAULT_MAX_OUTBOUND);
        }

        public boolean enabled() {
            return listen != null;
        }

        public P2p withListen(String l) {
            return new P2p(l, advertise, peers, maxInbound, maxOutbound);
        }

        public P2p withPeers(List<String> p) {
            return new P2p(listen, advertise, p, maxInbound, maxOutbound);
        }

        public InetSocketAddress listenAddress() {
            return address(listen, "p2p_listen");
        }

        public InetSocketAddress advertiseAddress() {
            return advertise == null ? null : address(advertise, "p2p_advertise");
        }

        public List<InetSocketAddress> peerAddresses() {
            return peers.stream().map(p -> address(p, "p2p_peers")).toList();
        }

        /** Parses "host:port" ("[::1]:26656" for IPv6); a host that does not resolve yet stays unresolved. */
        public static InetSocketAddress address(String hostPort, String field) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException(field + " '" + hostPort + "' must be host:port, e.g. 127.0.0.1:26656");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + " '" + hostPort + "': port must be a number 0..65535");
            }
            if (port < 0 || port > 65535 || host.isBlank()) {
                throw new IllegalArgumentException(field + " '" + hostPort + "': port must be 0..65535 and host non-empty");
            }
            return new InetSocketAddress(host, port);
        }
    }

    public NodeConfig {
        if (restPort < 0 || restPort > 65535) throw new IllegalArgumentException("rest_port must be 0..65535");
        if (p2p == null) p2p = P2p.NONE;
        if (limits == null) limits = NodeLimits.DEFAULTS;
        if (pruning == null) pruning = Pruning.DEFAULT;
        if (snapshots == null) snapshots = Snapshots.DEFAULT;
        if (doubleSignCheckBlocks < 0 || doubleSignCheckBlocks > MAX_DOUBLE_SIGN_CHECK_BLOCKS) {
            throw new IllegalArgumentException("double_sign_check_blocks must be 0 (off) .." + MAX_DOUBLE_SIGN_CHECK_BLOCKS
                    + ", not " + doubleSignCheckBlocks);
        }
    }

    /** With the default snapshots. */
    public NodeConfig(String restHost, int restPort, String validatorKey, String faucetKey, String faucetMaxCpc,
                      String keyPassword, P2p p2p, NodeLimits limits, Pruning pruning, int doubleSignCheckBlocks) {
        this(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, limits, pruning,
                doubleSignCheckBlocks, Snapshots.DEFAULT);
    }

    /** The most blocks the double-sign check reads at a start (each a block read from the store). */
    public static final int MAX_DOUBLE_SIGN_CHECK_BLOCKS = 10_000;

    /** With the default connection limits, pruning and double-sign check. */
    public NodeConfig(String restHost, int restPort, String validatorKey, String faucetKey, String faucetMaxCpc,
                      String keyPassword, P2p p2p) {
        this(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, NodeLimits.DEFAULTS,
                Pruning.DEFAULT, SignHistoryCheck.LOOKBACK_BLOCKS);
    }

    public NodeConfig withPort(int port) {
        return new NodeConfig(restHost, port, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, limits, pruning,
                doubleSignCheckBlocks, snapshots);
    }

    public NodeConfig withP2p(P2p settings) {
        return new NodeConfig(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, settings, limits,
                pruning, doubleSignCheckBlocks, snapshots);
    }

    public NodeConfig withLimits(NodeLimits l) {
        return new NodeConfig(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, l, pruning,
                doubleSignCheckBlocks, snapshots);
    }

    public NodeConfig withPruning(Pruning p) {
        return new NodeConfig(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, limits, p,
                doubleSignCheckBlocks, snapshots);
    }

    public NodeConfig withDoubleSignCheckBlocks(int blocks) {
        return new NodeConfig(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, limits, pruning,
                blocks, snapshots);
    }

    public NodeConfig withSnapshots(Snapshots s) {
        return new NodeConfig(restHost, restPort, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2p, limits, pruning,
                doubleSignCheckBlocks, s);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("rest_host", restHost);
        o.put("rest_port", restPort);
        putNullable(o, "validator_key", validatorKey);
        putNullable(o, "faucet_key", faucetKey);
        o.put("faucet_max_cpc", faucetMaxCpc);
        putNullable(o, "key_password", keyPassword);
        putNullable(o, "p2p_listen", p2p.listen());
        putNullable(o, "p2p_advertise", p2p.advertise());
        ArrayNode peers = o.putArray("p2p_peers");
        p2p.peers().forEach(peers::add);
        o.put("p2p_max_inbound", p2p.maxInbound());
        o.put("p2p_max_outbound", p2p.maxOutbound());
        limits.write(o);
        o.put("pruning", pruning.toString());
        o.put("double_sign_check_blocks", doubleSignCheckBlocks);
        o.put("snapshot_interval", snapshots.interval());
        o.put("snapshot_keep", snapshots.keep());
        return o;
    }

    private static void putNullable(ObjectNode o, String field, String value) {
        if (value == null) o.putNull(field); else o.put(field, value);
    }

    public static NodeConfig read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            JsonFields f = JsonFields.of(Json.parse(Files.readAllBytes(file)), file.toString(), FIELDS);
            List<String> peers = new ArrayList<>();
            JsonNode arr = f.optionalRaw("p2p_peers");
            if (arr != null && !arr.isNull()) {
                if (!arr.isArray()) throw new IllegalArgumentException("p2p_peers must be an array of \"host:port\"");
                for (JsonNode p : arr) {
                    if (!p.isTextual()) throw new IllegalArgumentException("p2p_peers must be an array of \"host:port\"");
                    peers.add(p.textValue());
                }
            }
            Long in = f.optionalUint("p2p_max_inbound");
            Long out = f.optionalUint("p2p_max_outbound");
            Long checkBlocks = f.optionalUint("double_sign_check_blocks");
            Long interval = f.optionalUint("snapshot_interval");
            Long keep = f.optionalUint("snapshot_keep");
            Snapshots snapshots = new Snapshots(interval == null ? SnapshotPolicy.DEFAULT_INTERVAL : interval,
                    keep == null ? SnapshotPolicy.DEFAULT_KEEP : (int) Math.min(keep, Integer.MAX_VALUE));
            P2p p2p = new P2p(f.optionalString("p2p_listen"), f.optionalString("p2p_advertise"), peers,
                    in == null ? P2p.DEFAULT_MAX_INBOUND : (int) Math.min(in, Integer.MAX_VALUE),
                    out == null ? P2p.DEFAULT_MAX_OUTBOUND : (int) Math.min(out, Integer.MAX_VALUE));
            return new NodeConfig(f.string("rest_host"), Math.toIntExact(f.uint("rest_port")),
                    f.nullableString("validator_key"), f.nullableString("faucet_key"), f.string("faucet_max_cpc"),
                    f.optionalString("key_password"), p2p, NodeLimits.read(f),
                    f.optionalString("pruning") == null ? Pruning.DEFAULT : Pruning.parse(f.optionalString("pruning")),
                    checkBlocks == null ? SignHistoryCheck.LOOKBACK_BLOCKS : (int) Math.min(checkBlocks, Integer.MAX_VALUE),
                    snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (run cpc node init first): " + e.getMessage(), e);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path dataDir) {
        try {
            Files.writeString(dataDir.resolve(FILE), Json.pretty(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
