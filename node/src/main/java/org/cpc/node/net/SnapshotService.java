package org.cpc.node.net;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.cpc.chain.Chain;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.SnapshotStore;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.ValidatorSet;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.types.Block;

/**
 * The {@code SNAPSHOT} channel of a node: serves its snapshots' lists and chunks and light blocks to peers (on one
 * thread of its own with a short queue, so a peer asking too fast loses requests rather than filling memory with
 * answers), and hands the answers to this node's own requests ({@link #request}) back to whoever waits for them. An
 * answer nobody asked for costs the sender {@link Misbehaviour#USELESS}.
 */
public final class SnapshotService implements AutoCloseable {
    /** Requests waiting to be served; more are dropped (the asker times out and asks someone else). */
    static final int MAX_QUEUED = 16;

    private final Chain chain;
    private final PeerNetwork network;
    private final ThreadPoolExecutor executor;
    private final AtomicLong listsServed = new AtomicLong();
    /** This node's open requests by peer and what was asked. */
    private final Map<Key, CompletableFuture<SnapshotMessage>> waiting = new ConcurrentHashMap<>();

    /** What an answer is matched by: the peer, and the request it answers. */
    private record Key(String peer, SnapshotMessage request) {}

    SnapshotService(Chain chain, PeerNetwork network) {
        this.chain = chain;
        this.network = network;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_QUEUED),
                r -> {
                    Thread t = new Thread(r, "snapshot-serve");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
    }

    /**
     * Sends {@code request} to {@code peer}; the future completes with its answer, or exceptionally when the peer is
     * not connected or leaves. Only one such request per peer is open at a time; asking it again replaces it.
     */
    public CompletableFuture<SnapshotMessage> request(String peer, SnapshotMessage request) {
        CompletableFuture<SnapshotMessage> f = new CompletableFuture<>();
        Key key = new Key(peer, request);
        CompletableFuture<SnapshotMessage> old = waiting.put(key, f);
        if (old != null) old.cancel(false);
        if (!network.send(peer, Channel.SNAPSHOT, request.encode())) {
            waiting.remove(key, f);
            f.completeExceptionally(new IllegalStateException("peer " + peer + " is not connected"));
        }
        return f;
    }

    /** Stops waiting for an answer (timed out): a late one then counts as unasked. */
    public void forget(String peer, SnapshotMessage request) {
        CompletableFuture<SnapshotMessage> f = waiting.remove(new Key(peer, request));
        if (f != null) f.cancel(false);
    }

    void peerDisconnected(String peer) {
        waiting.entrySet().removeIf(e -> {
            if (!e.getKey().peer().equals(peer)) return false;
            e.getValue().completeExceptionally(new IllegalStateException("peer " + peer + " disconnected"));
            return true;
        });
    }

    /**
     * A message on the channel, on the peer's reader thread.
     *
     * @throws IllegalArgumentException malformed (the caller penalizes the peer)
     */
    void receive(String peer, byte[] payload) {
        SnapshotMessage m = SnapshotMessage.decode(payload);
        switch (m) {
            case SnapshotMessage.ListSnapshots l -> serve(peer, this::list);
            case SnapshotMessage.GetChunk g -> serve(peer, () -> chunk(g));
            case SnapshotMessage.GetLightBlock g -> serve(peer, () -> lightBlock(g.height()));
            case SnapshotMessage.Snapshots s -> answer(peer, new SnapshotMessage.ListSnapshots(), m);
            case SnapshotMessage.Chunk c -> answer(peer, new SnapshotMessage.GetChunk(c.height(), c.index()), m);
            case SnapshotMessage.LightBlockReply r -> answer(peer, new SnapshotMessage.GetLightBlock(r.height()), m);
        }
    }

    private void answer(String peer, SnapshotMessage request, SnapshotMessage reply) {
        CompletableFuture<SnapshotMessage> f = waiting.remove(new Key(peer, request));
        if (f == null) {
            network.penalize(peer, Misbehaviour.USELESS, "snapshot answer that was not asked for");
        } else {
            f.complete(reply);
        }
    }

    private void serve(String peer, Supplier<SnapshotMessage> answer) {
        try {
            executor.execute(() -> network.send(peer, Channel.SNAPSHOT, answer.get().encode()));
        } catch (RejectedExecutionException closing) {
            // closed
        }
    }

    /** Snapshot lists sent to peers since start. */
    public long listsServed() {
        return listsServed.get();
    }

    private SnapshotMessage list() {
        listsServed.incrementAndGet();
        List<SnapshotManifest> all = chain.snapshots().map(SnapshotStore::list).orElse(List.of());
        return new SnapshotMessage.Snapshots(all.subList(0, Math.min(all.size(), SnapshotMessage.MAX_LISTED)));
    }

    private SnapshotMessage chunk(SnapshotMessage.GetChunk g) {
        byte[] data = chain.snapshots().flatMap(s -> s.chunk(g.height(), g.index())).orElse(null);
        return new SnapshotMessage.Chunk(g.height(), g.index(), data);
    }

    /** The block of {@code height} with its certificate and set, or an empty answer when any of them is missing. */
    SnapshotMessage.LightBlockReply lightBlock(long height) {
        Optional<Block> b = chain.block(height);
        Optional<CommitCertificate> cert = b.flatMap(block -> chain.commitOf(height)
                .map(c -> CommitCertificate.fromJson(c, height, block.hashHex())));
        Optional<ValidatorSet> set = b.flatMap(block -> chain.validatorSetByHash(block.header().validatorsHash()));
        if (b.isEmpty() || cert.isEmpty() || set.isEmpty()) return new SnapshotMessage.LightBlockReply(height, null, null, null);
        return new SnapshotMessage.LightBlockReply(height, b.get(), cert.get(), set.get());
    }

    @Override
    public void close() {
        executor.shutdownNow();
        waiting.values().forEach(f -> f.cancel(false));
    }
}
