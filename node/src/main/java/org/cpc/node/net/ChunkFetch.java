package org.cpc.node.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cpc.chain.ChainRestore;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.StateRestore;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.PeerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunks of one snapshot, from every peer offering it at once, applied in order. A peer that connects during
 * the fetch is asked for its snapshots and joins when it offers this one; with no peer left, the fetch waits
 * {@link StateSync#REQUEST_TIMEOUT_MS} for one.
 */
final class ChunkFetch {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkFetch.class);
    private final SnapshotManifest m;
    private final ChainRestore restore;
    private final PeerNetwork network;
    private final SnapshotService service;
    private final List<String> peers;
    private final Set<String> served;
    private final Map<Integer, Pending> inflight = new TreeMap<>();
    private final Map<Integer, byte[]> ready = new TreeMap<>();
    private final Map<Integer, String> readyFrom = new HashMap<>();
    /** Every peer offering this snapshot, dropped, or asked for its list: none is asked for it again. */
    private final Set<String> known;
    /** Peers that connected during the fetch, asked for their snapshots. */
    private final Map<String, Pending> listing = new TreeMap<>();
    /** When the last peer was dropped; 0 while there are peers. */
    private long aloneSince;

    private record Pending(String peer, SnapshotMessage req, CompletableFuture<SnapshotMessage> answer,
                           long deadline) {}

    /** @param asked the peers asked for their snapshots already (those offering it among them) */
    ChunkFetch(SnapshotManifest m, ChainRestore restore, PeerNetwork network, SnapshotService service,
            List<String> peers, List<String> asked, Set<String> served) {
        this.m = m;
        this.restore = restore;
        this.network = network;
        this.service = service;
        this.peers = new ArrayList<>(peers);
        this.known = new HashSet<>(asked);
        this.served = served;
    }

    void run() throws InterruptedException, StateRestore.BadChunkException {
        while (!restore.complete()) {
            discover();
            if (peers.isEmpty()) {
                long now = System.nanoTime();
                if (aloneSince == 0) aloneSince = now;
                if (now - aloneSince > TimeUnit.MILLISECONDS.toNanos(StateSync.REQUEST_TIMEOUT_MS)) {
                    throw new StateSyncException("every peer offering snapshot " + m.height() + " failed or left,"
                            + " and none that connected since offers it");
                }
                Thread.sleep(50);
                continue;
            }
            aloneSince = 0;
            request();
            collect();
            while (ready.containsKey(restore.nextChunk())) {
                int i = restore.nextChunk();
                try {
                    restore.apply(ready.remove(i));
                    served.add(readyFrom.remove(i));
                } catch (StateRestore.BadChunkException bad) {
                    drop(readyFrom.remove(i), Misbehaviour.INVALID, bad.getMessage());
                }
            }
        }
    }

    /** Asks peers that connected since the last look for their snapshots; takes in those that offer this one. */
    private void discover() {
        long now = System.nanoTime();
        for (PeerInfo peer : network.peers()) {
            String p = peer.id();
            if (!known.add(p)) continue;
            SnapshotMessage.ListSnapshots req = new SnapshotMessage.ListSnapshots();
            listing.put(p, new Pending(p, req, service.request(p, req),
                    now + TimeUnit.MILLISECONDS.toNanos(StateSync.REQUEST_TIMEOUT_MS)));
        }
        for (Pending p : List.copyOf(listing.values())) {
            if (!p.answer().isDone()) {
                if (now - p.deadline() > 0) {
                    listing.remove(p.peer());
                    service.forget(p.peer(), p.req());
                }
                continue;
            }
            listing.remove(p.peer());
            SnapshotMessage a = p.answer().isCompletedExceptionally() ? null : p.answer().getNow(null);
            if (a instanceof SnapshotMessage.Snapshots s
                    && s.snapshots().stream().anyMatch(x -> x.hashHex().equals(m.hashHex()))) {
                LOG.info("state sync: peer {} connected since and offers snapshot {}; fetching from it too",
                        p.peer(), m.height());
                peers.add(p.peer());
            }
        }
    }

    /** Asks for the next chunks not held or asked yet, spreading them over the peers with room. */
    private void request() {
        int n = m.chunks().size();
        for (int i = restore.nextChunk(); i < Math.min(n, restore.nextChunk() + StateSync.AHEAD); i++) {
            if (ready.containsKey(i) || inflight.containsKey(i)) continue;
            String p = leastBusy();
            if (p == null) return;
            SnapshotMessage.GetChunk req = new SnapshotMessage.GetChunk(m.height(), i);
            inflight.put(i, new Pending(p, req, service.request(p, req),
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(StateSync.REQUEST_TIMEOUT_MS)));
        }
    }

    private String leastBusy() {
        String best = null;
        int bestCount = StateSync.PER_PEER;
        for (String p : peers) {
            int c = (int) inflight.values().stream().filter(x -> x.peer().equals(p)).count();
            if (c < bestCount) {
                best = p;
                bestCount = c;
            }
        }
        return best;
    }

    /** Waits a little for answers, then takes what came, drops who timed out, left or lied. */
    private void collect() throws InterruptedException {
        if (inflight.isEmpty()) return;
        try {
            CompletableFuture.anyOf(inflight.values().stream().map(Pending::answer).toArray(CompletableFuture[]::new))
                    .get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
            // looked at one by one below
        }
        long now = System.nanoTime();
        for (Map.Entry<Integer, Pending> e : List.copyOf(inflight.entrySet())) {
            Pending p = e.getValue();
            int i = e.getKey();
            if (!p.answer().isDone()) {
                if (now - p.deadline() > 0) drop(p.peer(), null, "did not send chunk " + i + " in time");
                continue;
            }
            inflight.remove(i);
            SnapshotMessage a = p.answer().isCompletedExceptionally() ? null : p.answer().getNow(null);
            if (a == null) {
                drop(p.peer(), null, "left");
            } else if (((SnapshotMessage.Chunk) a).data() == null) {
                drop(p.peer(), null, "no longer has snapshot " + m.height());
            } else if (!m.chunkMatches(i, ((SnapshotMessage.Chunk) a).data())) {
                drop(p.peer(), Misbehaviour.INVALID, "snapshot chunk " + i + " does not hash to the manifest's");
            } else {
                ready.put(i, ((SnapshotMessage.Chunk) a).data());
                readyFrom.put(i, p.peer());
            }
        }
    }

    /** Stops using {@code peer} for this snapshot (penalized when {@code why} is misbehaviour); its requests go elsewhere. */
    private void drop(String peer, Misbehaviour m2, String why) {
        if (!peers.remove(peer)) return;
        LOG.warn("state sync: dropping peer {}: {}", peer, why);
        if (m2 != null) network.penalize(peer, m2, why);
        for (Map.Entry<Integer, Pending> e : List.copyOf(inflight.entrySet())) {
            if (e.getValue().peer().equals(peer)) {
                inflight.remove(e.getKey());
                service.forget(peer, e.getValue().req());
            }
        }
    }
}
