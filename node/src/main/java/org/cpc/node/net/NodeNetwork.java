package org.cpc.node.net;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.chain.Chain;
import org.cpc.node.NodeConfig;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.p2p.Channel;
import org.cpc.p2p.MessageHandler;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.PeerNetwork;

/**
 * The node on the P2P network: owns the {@link PeerNetwork}, {@link TxGossip} and {@link BlockSync}, and is the
 * network's {@link MessageHandler}: it routes each channel to its part (consensus messages to
 * {@link TendermintConsensus}) and turns a message a part cannot parse into a {@link Misbehaviour#MALFORMED}
 * penalty. Life cycle: {@link #open} (after the chain opens), {@link #start} (with consensus, once it exists: it
 * sends through this network), {@link #close} (before the chain closes).
 */
public final class NodeNetwork implements MessageHandler, AutoCloseable {
    private final Chain chain;
    private final NodeConfig.P2p settings;
    private final Map<Channel, AtomicLong> messagesIn = new EnumMap<>(Channel.class);
    private final Map<Channel, AtomicLong> bytesIn = new EnumMap<>(Channel.class);
    private PeerNetwork network;
    private TxGossip gossip;
    private SnapshotService snapshots;
    /** Whether the peer network was started (by {@link #stateSync} before {@link #start}). */
    private boolean peersStarted;
    private volatile TendermintConsensus consensus;
    private volatile BlockSync sync;
    /** Set once the network listens: REST serves {@code GET /status} from before that, while P2P starts. */
    private volatile boolean listening;

    private NodeNetwork(Chain chain, NodeConfig.P2p settings) {
        this.chain = chain;
        this.settings = settings;
        for (Channel c : Channel.values()) {
            messagesIn.put(c, new AtomicLong());
            bytesIn.put(c, new AtomicLong());
        }
    }

    /**
     * Creates the network of {@code settings} (none when P2P is off) without starting it.
     *
     * @param inbound the caps on inbound connections per address and in their handshake
     * @param moniker the name peers see (informative)
     * @param keyDir where the node key lives
     */
    public static NodeNetwork open(Chain chain, NodeConfig.P2p settings, P2pConfig.InboundLimits inbound,
            String moniker, Path keyDir, char[] password, NetworkOpener opener) {
        NodeNetwork n = new NodeNetwork(chain, settings);
        if (settings.enabled()) {
            P2pConfig d = P2pConfig.defaults(chain.params().chainId(), chain.block(0).orElseThrow().hashHex(),
                    settings.listenAddress(), settings.peerAddresses(), moniker);
            P2pConfig config = new P2pConfig(d.chainId(), d.genesisHash(), d.listen(), settings.advertiseAddress(),
                    d.staticPeers(), d.moniker(), settings.maxInbound(), settings.maxOutbound(), d.maxFrameBytes(),
                    d.sendQueueFrames(), d.maxMessagesPerSecond(), d.handshakeTimeoutMs(), d.pingIntervalMs(),
                    d.banScore(), d.banMs(), d.pexIntervalMs(), inbound);
            n.network = opener.open(config, keyDir, password, n);
        } else {
            n.network = NoNetwork.INSTANCE;
        }
        n.gossip = new TxGossip(chain, n.network);
        chain.subscribe(n.gossip);
        n.snapshots = new SnapshotService(chain, n.network);
        return n;
    }

    /** The network this node's consensus sends through. */
    public PeerNetwork network() {
        return network;
    }

    /** Starts block sync and the network; {@code consensus} (null on a node without) restarts after sync. */
    public void start(TendermintConsensus consensus) {
        this.consensus = consensus;
        BlockSync s = new BlockSync(chain, network, consensus);
        chain.subscribe(s);
        this.sync = s;
        startPeers();
        s.start();
    }

    private synchronized void startPeers() {
        if (peersStarted) return;
        peersStarted = true;
        network.start();
        listening = true;
    }

    /**
     * State sync ({@code --state-sync}): starts the network alone (no block sync, no consensus yet), restores the
     * newest snapshot its peers offer and can prove from {@code trust} (genesis when null); {@link #start} follows.
     *
     * @return what was restored; empty when no peer offered a snapshot above the trusted height
     */
    public java.util.Optional<StateSync.Result> stateSync(StateSync.Trust trust) throws InterruptedException {
        if (!settings.enabled() || settings.peers().isEmpty()) {
            throw new StateSyncException("state sync needs peers to ask: give --peers HOST:PORT,… (and --p2p-listen)");
        }
        startPeers();
        return new StateSync(chain, network, snapshots, trust).run();
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** This node's id; null when P2P is off. */
    public String nodeId() {
        return network.nodeId();
    }

    /** The address P2P listens on (with the bound port); null when P2P is off or not listening yet. */
    public InetSocketAddress listenAddress() {
        if (!settings.enabled() || !listening) return null;
        int port = network.listenPort();
        if (port < 0) return null;
        return new InetSocketAddress(settings.listenAddress().getHostString(), port);
    }

    /** {@link #listenAddress()} as "host:port"; null when P2P is off. */
    public String listenText() {
        InetSocketAddress a = listenAddress();
        return a == null ? null : a.getHostString() + ":" + a.getPort();
    }

    public List<PeerInfo> connectedPeers() {
        return network.peers();
    }

    public boolean syncing() {
        BlockSync s = sync;
        return s != null && s.syncing();
    }

    public long bestPeerHeight() {
        BlockSync s = sync;
        return s == null ? chain.head().header().height() : s.bestPeerHeight();
    }

    public long syncedBlocks() {
        BlockSync s = sync;
        return s == null ? 0 : s.syncedBlocks();
    }

    /** Blocks committed by block sync, by the id of the peer that sent them. */
    public Map<String, Long> syncedByPeer() {
        BlockSync s = sync;
        return s == null ? Map.of() : s.syncedByPeer();
    }

    /** The SNAPSHOT channel: what this node serves of its snapshots and light blocks. */
    public SnapshotService snapshots() {
        return snapshots;
    }

    public TxGossip gossip() {
        return gossip;
    }

    public long messagesIn(Channel c) {
        return messagesIn.get(c).get();
    }

    public long bytesIn(Channel c) {
        return bytesIn.get(c).get();
    }

    @Override
    public void onMessage(String peerId, Channel channel, byte[] payload) {
        messagesIn.get(channel).incrementAndGet();
        bytesIn.get(channel).addAndGet(payload.length);
        try {
            switch (channel) {
                case CONSENSUS -> {
                    TendermintConsensus c = consensus;
                    if (c != null) c.receive(peerId, payload);
                }
                case TX -> gossip.receive(peerId, payload);
                case SYNC -> {
                    BlockSync s = sync;
                    if (s != null) s.receive(peerId, payload);
                }
                case SNAPSHOT -> snapshots.receive(peerId, payload);
                case PEX -> network.penalize(peerId, Misbehaviour.PROTOCOL_VIOLATION, "PEX reached the node");
            }
        } catch (IllegalArgumentException e) {
            network.penalize(peerId, Misbehaviour.MALFORMED, channel + ": " + e.getMessage());
        }
    }

    @Override
    public void onPeerConnected(PeerInfo peer) {
        BlockSync s = sync;
        if (s != null) s.peerConnected(peer.id());
        TendermintConsensus c = consensus;
        if (c != null) c.peerConnected(peer.id());
    }

    @Override
    public void onPeerDisconnected(String peerId) {
        snapshots.peerDisconnected(peerId);
        BlockSync s = sync;
        if (s != null) s.peerDisconnected(peerId);
    }

    /**
     * Stops the network (no more input), then sync and gossip, waiting for a commit or admission in flight.
     * Consensus is stopped before, the chain closed after.
     */
    @Override
    public void close() {
        network.close();
        BlockSync s = sync;
        if (s != null) s.close();
        snapshots.close();
        gossip.close();
    }
}
