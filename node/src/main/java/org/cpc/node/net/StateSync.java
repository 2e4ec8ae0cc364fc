package org.cpc.node.net;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.cpc.chain.Chain;
import org.cpc.chain.ChainRestore;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.StateRestore;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.InvalidCommitException;
import org.cpc.consensus.LightBlock;
import org.cpc.consensus.LightClient;
import org.cpc.consensus.LightClientException;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerInfo;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Roots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State sync of a new node ({@code cpc node start --state-sync}): asks its peers for their snapshots, takes the
 * newest, light-verifies that height's header from the trusted block ({@link LightClient}: genesis, or the
 * operator's {@code --trust-height}/{@code --trust-hash}), checks that the snapshot is of that block and state
 * root, fetches the blocks before it that execution looks back to (each linked by its hash and proven by its own
 * certificate), then fetches the chunks from every peer that offers the snapshot at once, checks each against the
 * manifest and restores them in order; the rebuilt state root must be the header's. A peer that serves a bad chunk,
 * a false light block or a snapshot of another state is penalized ({@link Misbehaviour#INVALID}) and dropped, one
 * that stops answering is dropped, and the sync goes on with the others; each step asks the peers connected at
 * that moment, so one that connects during the sync is used too. Block sync and consensus take over from the
 * snapshot's height. Runs on the caller's thread, before block sync and consensus start.
 */
public final class StateSync {
    private static final Logger LOG = LoggerFactory.getLogger(StateSync.class);
    /** How long one request may take before its peer is dropped for this sync. */
    public static final long REQUEST_TIMEOUT_MS = 10_000;
    /** How long to wait for the first peer, and for the peers' snapshot lists. */
    public static final long PEER_WAIT_MS = 30_000, LIST_WAIT_MS = 3_000;
    /** Chunk requests open per peer, and the most chunks fetched ahead of the one being restored. */
    static final int PER_PEER = 2, AHEAD = 16;

    /** The operator's trusted block, or genesis when null. */
    public record Trust(long height, String hashHex) {
        public Trust {
            if (height < 1) throw new IllegalArgumentException("--trust-height must be at least 1 (genesis is the default)");
            if (hashHex == null || hashHex.length() != 64 || !org.cpc.protocol.codec.Hex.isHex(hashHex)) {
                throw new IllegalArgumentException("--trust-hash must be the block's hash: 64 lowercase hex characters");
            }
        }
    }

    /** What was restored. */
    public record Result(long height, String blockHash, int chunks, long entries, Set<String> chunkPeers) {}

    private final Chain chain;
    private final PeerNetwork network;
    private final SnapshotService service;
    private final Trust trust;
    private final LightClient light;
    private final CommitVerifier commits;
    /** Full blocks and light blocks seen in answers, by hash: the window is stored from them. */
    private final Map<String, Block> blocks = new HashMap<>();
    private final Map<String, LightBlock> lightBlocks = new HashMap<>();

    public StateSync(Chain chain, PeerNetwork network, SnapshotService service, Trust trust) {
        this.chain = chain;
        this.network = network;
        this.service = service;
        this.trust = trust;
        String id = chain.params().chainId();
        this.light = new LightClient(id, MlDsaSignatures.VERIFIER, chain.params().staking().unbondingBlocks());
        this.commits = new CommitVerifier(id, MlDsaSignatures.VERIFIER);
    }

    /**
     * Restores the newest snapshot some peer offers and can prove; empty when no peer offers one above the trusted
     * height (the node then block-syncs from where it is).
     *
     * @throws StateSyncException nothing offered could be restored, or the trusted block cannot be had
     */
    public Optional<Result> run() throws InterruptedException {
        if (chain.head().header().height() != 0) {
            throw new StateSyncException("state sync needs a new, empty data dir; this chain is at height "
                    + chain.head().header().height() + " (start without --state-sync to continue it)");
        }
        List<String> listed = awaitPeers();
        List<Offer> offers = listSnapshots(listed);
        LightBlock trusted = trustedBlock(connected());
        List<String> tried = new ArrayList<>();
        for (Offer o : offers) {
            SnapshotManifest m = o.manifest();
            if (m.height() <= trusted.height()) continue;
            try {
                return Optional.of(restore(o, trusted, listed));
            } catch (StateSyncException e) {
                LOG.warn("state sync: snapshot of height {} failed: {}", m.height(), e.getMessage());
                tried.add(m.height() + " (" + e.getMessage() + ")");
            }
        }
        if (tried.isEmpty()) {
            LOG.warn("state sync: no peer offers a snapshot above height {}; block sync goes on from there", trusted.height());
            return Optional.empty();
        }
        throw new StateSyncException("no snapshot could be restored: " + String.join("; ", tried));
    }

    private record Offer(SnapshotManifest manifest, List<String> peers) {}

    private List<String> awaitPeers() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PEER_WAIT_MS);
        while (network.peers().isEmpty()) {
            if (System.nanoTime() > end) {
                throw new StateSyncException("no peer connected within " + PEER_WAIT_MS / 1000 + " s; state sync needs"
                        + " peers (--peers HOST:PORT,…)");
            }
            Thread.sleep(50);
        }
        // the others of a static list connect within moments of the first
        Thread.sleep(Math.min(1_000, LIST_WAIT_MS));
        return connected();
    }

    /** The peers connected now: each step asks those, so that a peer that connects during the sync is used too. */
    private List<String> connected() {
        return network.peers().stream().map(PeerInfo::id).toList();
    }

    /** Every distinct snapshot offered, newest first (more peers first on a tie), with who offers it. */
    private List<Offer> listSnapshots(List<String> peers) throws InterruptedException {
        Map<String, CompletableFuture<SnapshotMessage>> asked = new TreeMap<>();
        for (String p : peers) asked.put(p, service.request(p, new SnapshotMessage.ListSnapshots()));
        Map<String, Offer> byManifest = new LinkedHashMap<>();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIST_WAIT_MS);
        for (Map.Entry<String, CompletableFuture<SnapshotMessage>> e : asked.entrySet()) {
            Optional<SnapshotMessage> a = await(e.getKey(), new SnapshotMessage.ListSnapshots(), e.getValue(),
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            if (a.isEmpty() || !(a.get() instanceof SnapshotMessage.Snapshots s)) continue;
            for (SnapshotManifest m : s.snapshots()) {
                byManifest.computeIfAbsent(m.hashHex(), k -> new Offer(m, new ArrayList<>())).peers().add(e.getKey());
            }
        }
        List<Offer> out = new ArrayList<>(byManifest.values());
        out.sort(Comparator.comparingLong((Offer o) -> -o.manifest().height()).thenComparing(o -> -o.peers().size()));
        return out;
    }

    /** Genesis (its header, the set of height 1), or the operator's block fetched and matched to its hash. */
    private LightBlock trustedBlock(List<String> peers) throws InterruptedException {
        if (trust == null) {
            Block g = chain.block(0).orElseThrow();
            return new LightBlock(g.header(), null, chain.validatorSet(1));
        }
        for (String p : peers) {
            Optional<LightBlock> b = fetchLight(p, trust.height());
            if (b.isEmpty()) continue;
            if (!b.get().hashHex().equals(trust.hashHex())) {
                LOG.warn("state sync: peer {} serves block {} with hash {}, not the trusted {}", p, trust.height(),
                        b.get().hashHex(), trust.hashHex());
                continue;
            }
            try {
                checkOwnCommit(b.get());
                return b.get();
            } catch (StateSyncException e) {
                network.penalize(p, Misbehaviour.INVALID, e.getMessage());
            }
        }
        throw new StateSyncException("no peer serves block " + trust.height() + " with the trusted hash "
                + trust.hashHex() + " and its certificate; check --trust-height and --trust-hash");
    }

    /** @param listed the peers asked for their snapshots at the start (the others are asked during the fetch) */
    private Result restore(Offer offer, LightBlock trusted, List<String> listed) throws InterruptedException {
        SnapshotManifest m = offer.manifest();
        LightBlock header = verifyHeader(trusted, m.height(), union(offer.peers(), connected()));
        if (!header.hashHex().equals(m.blockHash()) || !header.header().stateRoot().equals(m.stateRoot())) {
            for (String p : offer.peers()) {
                network.penalize(p, Misbehaviour.INVALID, "snapshot " + m.height() + " is not of the verified block");
            }
            throw new StateSyncException("the snapshot's block or state root is not the verified header's");
        }
        List<Block> window = window(header, union(offer.peers(), connected()));
        List<JsonNode> certs = new ArrayList<>();
        for (Block b : window) certs.add(lightBlocks.get(b.hashHex()).commit().toJson());
        ChainRestore r = chain.beginRestore(m, window, certs);
        Set<String> served = new LinkedHashSet<>();
        try {
            for (Block b : window) r.keepValidatorSet(lightBlocks.get(b.hashHex()).validators());
            new ChunkFetch(m, r, network, service, offer.peers(), listed, served).run();
            r.finish();
        } catch (StateRestore.BadChunkException whole) {
            for (String p : offer.peers()) network.penalize(p, Misbehaviour.INVALID, whole.getMessage());
            throw new StateSyncException(whole.getMessage());
        } catch (RuntimeException | InterruptedException e) {
            r.abandon();
            throw e;
        }
        LOG.info("state sync: restored height {} ({} entries in {} chunks from {} peer(s))", m.height(), m.entries(),
                m.chunks().size(), served.size());
        return new Result(m.height(), m.blockHash(), m.chunks().size(), m.entries(), served);
    }

    private static List<String> union(List<String> first, List<String> rest) {
        Set<String> s = new LinkedHashSet<>(first);
        s.addAll(rest);
        return List.copyOf(s);
    }

    /** The light block of {@code height}, verified from {@code trusted} with one peer's light blocks after another. */
    private LightBlock verifyHeader(LightBlock trusted, long height, List<String> peers) throws InterruptedException {
        long period = chain.params().staking().unbondingBlocks();
        if (height - trusted.height() > period) {
            throw new StateSyncException("the trusted block " + trusted.height() + " is more than unbonding_blocks ("
                    + period + ") below the snapshot's height " + height + "; give a newer --trust-height and"
                    + " --trust-hash, taken from a node you trust");
        }
        for (String p : peers) {
            boolean[] missing = {false};
            try {
                List<LightBlock> trace = light.verify(trusted, height, h -> {
                    try {
                        return fetchLight(p, h).orElseGet(() -> {
                            missing[0] = true;
                            return null;
                        });
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        missing[0] = true;
                        return null;
                    }
                });
                LOG.info("state sync: header {} verified from {} in {} step(s) with peer {}", height, trusted.height(),
                        trace.size(), p);
                return trace.getLast();
            } catch (LightClientException e) {
                if (Thread.interrupted()) throw new InterruptedException();
                if (!missing[0]) network.penalize(p, Misbehaviour.INVALID, "light block: " + e.getMessage());
                LOG.warn("state sync: light verification with peer {} failed: {}", p, e.getMessage());
            }
        }
        throw new StateSyncException("no peer could prove the header of height " + height);
    }

    /** The blocks from {@code synthetic_window} below the snapshot's up to it, each linked and certified. */
    private List<Block> window(LightBlock top, List<String> peers) throws InterruptedException {
        List<Block> out = new ArrayList<>();
        out.add(fullBlock(top));
        long lowest = Math.max(1, top.height() - chain.params().syntheticWindow());
        String expect = top.header().prevHash();
        for (long h = top.height() - 1; h >= lowest; h--) {
            LightBlock found = null;
            for (String p : peers) {
                Optional<LightBlock> b = fetchLight(p, h);
                if (b.isEmpty()) continue;
                try {
                    if (!b.get().hashHex().equals(expect)) throw new StateSyncException("block " + h + " is not the parent of " + (h + 1));
                    checkOwnCommit(b.get());
                    found = b.get();
                    break;
                } catch (StateSyncException e) {
                    network.penalize(p, Misbehaviour.INVALID, e.getMessage());
                }
            }
            if (found == null) throw new StateSyncException("no peer serves block " + h + " below the snapshot");
            out.addFirst(fullBlock(found));
            expect = found.header().prevHash();
        }
        return out;
    }

    /** The full block of a light block we fetched (its transactions were checked against its tx_root). */
    private Block fullBlock(LightBlock b) {
        return blocks.get(b.hashHex());
    }

    /** A block's certificate proves it by its own set, which hashes to its header's. */
    private void checkOwnCommit(LightBlock b) {
        if (!b.validators().hashHex().equals(b.header().validatorsHash())) {
            throw new StateSyncException("block " + b.height() + "'s validator set does not hash to its validators_hash");
        }
        try {
            commits.verify(b.validators(), b.height(), b.hashHex(), b.commit());
        } catch (InvalidCommitException e) {
            throw new StateSyncException("block " + b.height() + ": " + e.getMessage());
        }
    }

    /** The light block of {@code height} from {@code peer}; empty when it has none or does not answer in time. */
    private Optional<LightBlock> fetchLight(String peer, long height) throws InterruptedException {
        SnapshotMessage.GetLightBlock req = new SnapshotMessage.GetLightBlock(height);
        Optional<SnapshotMessage> a = await(peer, req, service.request(peer, req), REQUEST_TIMEOUT_MS);
        if (a.isEmpty() || !(a.get() instanceof SnapshotMessage.LightBlockReply r) || !r.present()) return Optional.empty();
        if (!Roots.txRoot(r.block().transactions()).equals(r.block().header().txRoot())) {
            network.penalize(peer, Misbehaviour.INVALID, "block " + height + "'s transactions do not match its tx_root");
            return Optional.empty();
        }
        LightBlock lb = new LightBlock(r.block().header(), r.commit(), r.validators());
        blocks.put(r.block().hashHex(), r.block());
        lightBlocks.put(r.block().hashHex(), lb);
        return Optional.of(lb);
    }

    /** The answer, or empty when the peer left or did not answer in time (then it is forgotten). */
    Optional<SnapshotMessage> await(String peer, SnapshotMessage req, CompletableFuture<SnapshotMessage> f, long ms)
            throws InterruptedException {
        try {
            return Optional.of(f.get(ms, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            service.forget(peer, req);
            return Optional.empty();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return Optional.empty();
        }
    }
}
