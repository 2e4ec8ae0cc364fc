package org.cpc.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.cpc.chain.Chain;
import org.cpc.p2p.Channel;
import org.cpc.p2p.MessageHandler;
import org.cpc.p2p.NodeIdentity;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.TcpPeerNetwork;
import org.cpc.protocol.codec.Json;

/**
 * A real P2P peer (same chain and genesis, its own node key, real sockets) that speaks block sync from a real
 * node's chain as its {@link Script} says: honestly, with tampered blocks, or not at all. It reports the chain's
 * height on connect and after every answer (an honest node reports after every commit).
 */
final class ScriptedSyncPeer implements MessageHandler, AutoCloseable {
    /** What the peer sends for its {@code n}-th {@code get_blocks} (from 0), given the honest answer; null: nothing. */
    interface Script {
        ArrayNode answer(int n, ArrayNode honest);
    }

    private final Supplier<Chain> chain;
    private final Script script;
    private final TcpPeerNetwork network;
    private final AtomicInteger asks = new AtomicInteger();
    private final AtomicInteger answers = new AtomicInteger();

    /** Listens on a free loopback port and dials {@code dial}. */
    ScriptedSyncPeer(Supplier<Chain> chain, List<InetSocketAddress> dial, String moniker, Script script) {
        this.chain = chain;
        this.script = script;
        Chain c = chain.get();
        P2pConfig cfg = P2pConfig.defaults(c.params().chainId(), c.block(0).orElseThrow().hashHex(),
                new InetSocketAddress("127.0.0.1", 0), dial, moniker);
        this.network = new TcpPeerNetwork(cfg, NodeIdentity.generate(), this);
        network.start();
    }

    /** Replaces the first block's header timestamp: the block no longer matches its certificate. */
    static ArrayNode tamperFirst(ArrayNode blocks) {
        if (blocks.isEmpty()) return blocks;
        ObjectNode block = (ObjectNode) blocks.get(0).path("block");
        block.remove("hash"); // the hash follows the header
        ObjectNode header = (ObjectNode) block.path("header");
        header.put("timestamp", header.path("timestamp").asLong() + 1);
        return blocks;
    }

    String nodeId() {
        return network.nodeId();
    }

    String address() {
        return "127.0.0.1:" + network.listenPort();
    }

    int asks() {
        return asks.get();
    }

    int answers() {
        return answers.get();
    }

    @Override
    public void onPeerConnected(PeerInfo peer) {
        network.send(peer.id(), Channel.SYNC, status());
    }

    @Override
    public void onMessage(String peerId, Channel channel, byte[] payload) {
        JsonNode m = Json.parse(payload);
        if (channel != Channel.SYNC || !"get_blocks".equals(m.path("type").asText())) return;
        ArrayNode honest = Json.object().putArray("blocks");
        Chain c = chain.get();
        for (long h = m.path("from").asLong(); h <= Math.min(m.path("to").asLong(), c.head().header().height()); h++) {
            ObjectNode e = honest.addObject();
            e.set("block", c.block(h).orElseThrow().toJson());
            e.set("commit", c.commitOf(h).orElseThrow().deepCopy());
        }
        ArrayNode answer = script.answer(asks.getAndIncrement(), honest);
        if (answer == null) return;
        ObjectNode reply = Json.object().put("type", "blocks");
        reply.set("blocks", answer);
        network.send(peerId, Channel.SYNC, bytes(reply));
        answers.incrementAndGet();
        network.send(peerId, Channel.SYNC, status());
    }

    private byte[] status() {
        return bytes(Json.object().put("type", "status").put("base", 1).put("height", chain.get().head().header().height()));
    }

    private static byte[] bytes(JsonNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        network.close();
    }
}
