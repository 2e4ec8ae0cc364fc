package org.cpc.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * @param p2pListen "host:port" the P2P transport listens on
 * @param p2pAdvertise "host:port" peers should dial, where it differs from {@code p2pListen}; null otherwise
 * @param p2pPeers "host:port" of the peers to dial at start
 */
public record NodeConfig(String restHost, int restPort, String validatorKey, String faucetKey, String faucetMaxCpc,
                         String keyPassword, String p2pListen, String p2pAdvertise, List<String> p2pPeers) {
    public static final String FILE = "node.json";
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_P2P_PORT = 26656;
    public static final String DEFAULT_P2P_LISTEN = "127.0.0.1:" + DEFAULT_P2P_PORT;
    private static final Set<String> FIELDS = Set.of("rest_host", "rest_port", "validator_key", "faucet_key",
            "faucet_max_cpc", "key_password", "p2p_listen", "p2p_advertise", "p2p_peers");

    public NodeConfig {
        if (restPort < 0 || restPort > 65535) throw new IllegalArgumentException("rest_port must be 0..65535");
        p2pPeers = List.copyOf(p2pPeers);
    }

    public NodeConfig withPort(int port) {
        return new NodeConfig(restHost, port, validatorKey, faucetKey, faucetMaxCpc, keyPassword, p2pListen,
                p2pAdvertise, p2pPeers);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("rest_host", restHost);
        o.put("rest_port", restPort);
        putNullable(o, "validator_key", validatorKey);
        putNullable(o, "faucet_key", faucetKey);
        o.put("faucet_max_cpc", faucetMaxCpc);
        putNullable(o, "key_password", keyPassword);
        o.put("p2p_listen", p2pListen);
        putNullable(o, "p2p_advertise", p2pAdvertise);
        p2pPeers.forEach(o.putArray("p2p_peers")::add);
        return o;
    }

    private static void putNullable(ObjectNode o, String field, String value) {
        if (value == null) o.putNull(field); else o.put(field, value);
    }

    public static NodeConfig read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            JsonFields f = JsonFields.of(Json.parse(Files.readAllBytes(file)), file.toString(), FIELDS);
            return new NodeConfig(f.string("rest_host"), Math.toIntExact(f.uint("rest_port")),
                    f.nullableString("validator_key"), f.nullableString("faucet_key"), f.string("faucet_max_cpc"),
                    f.optionalString("key_password"), p2pListen(f), f.optionalString("p2p_advertise"), peers(f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (run cpc node init first): " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Data dirs made before P2P have no P2P fields: they listen on the default address and dial nobody. */
    private static String p2pListen(JsonFields f) {
        String listen = f.optionalString("p2p_listen");
        return listen == null ? DEFAULT_P2P_LISTEN : listen;
    }

    private static List<String> peers(JsonFields f) {
        JsonNode v = f.optionalRaw("p2p_peers");
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new IllegalArgumentException("p2p_peers must be an array of \"host:port\"");
        List<String> peers = new ArrayList<>();
        for (JsonNode p : v) {
            if (!p.isTextual()) throw new IllegalArgumentException("p2p_peers must be an array of \"host:port\"");
            peers.add(p.textValue());
        }
        return peers;
    }

    public void write(Path dataDir) {
        try {
            Files.writeString(dataDir.resolve(FILE), Json.pretty(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
