package org.cpc.node.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.chain.BlockFromTheFutureException;
import org.cpc.chain.Chain;
import org.cpc.chain.ChainListener;
import org.cpc.chain.InvalidBlockException;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.InvalidCommitException;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.node.DaemonScheduler;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Block sync on {@link Channel#SYNC}: a node that is behind (new, restarted, partitioned) fetches ranges of
 * committed blocks with their commit certificates from peers that are ahead, checks each in order (certificate
 * against the validator set with {@link CommitVerifier}, then the chain's own validation inside
 * {@code chain.commit}) and commits it; consensus then restarts at the new head. Messages (JSON):
 *
 * <pre>
 * {"type":"status","base":B,"height":H}        on connect, after every commit, and every {@link #STATUS_MS}:
 *                                              the peer serves blocks B..H (B above 1: it pruned or state-synced)
 * {"type":"get_blocks","from":F,"to":T}        1 ≤ F ≤ T, T − F < {@link #MAX_BLOCKS}
 * {"type":"blocks","blocks":[{"block":{…},"commit":{…}}, …]}   consecutive from F, at most MAX_BLOCKS and
 *                                              about {@link #MAX_REPLY_BYTES}; fewer (or none) if the peer has fewer
 * </pre>
 *
 * <p>Several ranges are asked at once, of several peers, and answers are held until they can be committed in
 * order, so that fetching overlaps committing; which range goes to which peer is {@link SyncWindow}'s (limits
 * {@link #WINDOW_RANGES}, {@link #RANGES_PER_PEER}, {@link #MAX_HELD_BYTES}). A peer that answers with a block that
 * does not verify is penalized and its range asked of another; one that does not answer within
 * {@link #REQUEST_TIMEOUT_MS} (from the ask or its last answer) is penalized a little and, while other peers can
 * be asked, not asked for {@link #REST_MS}.
 *
 * <p>Sync runs while a peer is more than {@link #LAG} blocks ahead; the last block or so is consensus's
 * (its decision request/answer), so the two do not race for every height. Work happens on one thread of its own
 * that owns the window: a peer's reader thread only parses (blocks included) and queues.
 */
public final class BlockSync implements ChainListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockSync.class);
    public static final int MAX_BLOCKS = 64;
    /** Kept well under the P2P frame limit; a single block larger than this is still sent alone. */
    public static final int MAX_REPLY_BYTES = 4 * 1024 * 1024;
    /** Sync starts when a peer reports a height more than this above our head. */
    public static final long LAG = 1;
    public static final long STATUS_MS = 2_000;
    /** A request unanswered this long is abandoned and another peer asked. */
    public static final long REQUEST_TIMEOUT_MS = 5_000;
    /** How long a peer that let a request time out is not asked again (while another peer can be). */
    public static final long REST_MS = 30_000;
    /** Ranges of up to {@link #MAX_BLOCKS} asked or held at once. */
    public static final int WINDOW_RANGES = 8;
    /** Ranges asked of one peer at once: two keep even a single peer busy while we commit. */
    public static final int RANGES_PER_PEER = 3;
    /** Answers held for commit, in wire bytes; no further range is asked while they reach this. */
    public static final long MAX_HELD_BYTES = 16L * 1024 * 1024;
    private static final long TICK_MS = 250;
    private static final int MAX_QUEUED = 64;

    private static final Set<String> STATUS = Set.of("type", "base", "height");
    private static final Set<String> GET_BLOCKS = Set.of("type", "from", "to");
    private static final Set<String> BLOCKS = Set.of("type", "blocks");
    private static final Set<String> ENTRY = Set.of("block", "commit");

    private final Chain chain;
    private final PeerNetwork network;
    private final TendermintConsensus consensus;
    private final CommitVerifier verifier;
    /** Each connected peer's last reported height, for {@link #syncing}; the window keeps its own copy. */
    private final Map<String, Long> peerHeights = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicLong synced = new AtomicLong();
    /** Blocks committed by sync, by the peer that sent them. */
    private final Map<String, Long> syncedByPeer = new ConcurrentHashMap<>();
    /** When each peer's last {@code blocks} answer arrived, stamped by its reader thread; fed to the window. */
    private final Map<String, Long> heard = new ConcurrentHashMap<>();
    /** The head at which the last "cannot go on" warning was logged (sync thread only): one warning per height. */
    private long unservableWarned = -1;
    /** Touched only on the sync thread. */
    private final SyncWindow<Synced> window = new SyncWindow<>(WINDOW_RANGES, RANGES_PER_PEER, MAX_BLOCKS,
            MAX_HELD_BYTES, TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS), TimeUnit.MILLISECONDS.toNanos(REST_MS));

    /** @param consensus told when sync moved the head; null where the node runs no consensus */
    public BlockSync(Chain chain, PeerNetwork network, TendermintConsensus consensus) {
        this.chain = chain;
        this.network = network;
        this.consensus = consensus;
        this.verifier = new CommitVerifier(chain.params().chainId(), MlDsaSignatures.VERIFIER);
        this.executor = DaemonScheduler.single("block-sync");
    }

    public void start() {
        executor.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(() -> network.broadcast(Channel.SYNC, status()), STATUS_MS, STATUS_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Drops queued work and waits for a commit in flight, so the chain can close after. */
    @Override
    public void close() {
        WorkerStop.dropQueuedAndStop(executor);
    }

    /** True while some peer is more than {@link #LAG} blocks ahead of our head. */
    public boolean syncing() {
        return bestPeerHeight() > chain.head().header().height() + LAG;
    }

    /** The highest height a connected peer reported; our own head when none is higher. */
    public long bestPeerHeight() {
        long best = chain.head().header().height();
        for (long h : peerHeights.values()) best = Math.max(best, h);
        return best;
    }

    /** Blocks committed by sync since start. */
    public long syncedBlocks() {
        return synced.get();
    }

    /** Blocks committed by sync since start, by the id of the peer that sent them (in id order). */
    public Map<String, Long> syncedByPeer() {
        return new TreeMap<>(syncedByPeer);
    }

    void peerConnected(String peerId) {
        network.send(peerId, Channel.SYNC, status());
    }

    void peerDisconnected(String peerId) {
        peerHeights.remove(peerId);
        heard.remove(peerId);
        run(() -> window.gone(peerId)); // not dropped when the queue is full: its asks must go elsewhere
    }

    @Override
    public void onBlockCommitted(Block block) {
        // Peers learn of the new head at once: a follower one block behind asks at its next tick.
        network.broadcast(Channel.SYNC, status());
    }

    /**
     * A message on {@link Channel#SYNC}, on the peer's reader thread: parsed here, worked on the sync thread.
     *
     * @throws IllegalArgumentException the message is malformed (the caller penalizes the peer)
     */
    void receive(String peerId, byte[] payload) {
        JsonNode node = Json.parse(payload);
        String type = node.path("type").textValue();
        if (type == null) throw new IllegalArgumentException("sync message must be an object with a string 'type'");
        switch (type) {
            case "status" -> {
                JsonFields f = JsonFields.of(node, "status", STATUS);
                long base = f.uint("base");
                long h = f.uint("height");
                if (base < 1 || base > h + 1) {
                    throw new IllegalArgumentException("status needs 1 <= base <= height + 1, not base " + base
                            + " and height " + h);
                }
                peerHeights.put(peerId, h);
                submit(() -> window.status(peerId, base, h));
            }
            case "get_blocks" -> {
                JsonFields f = JsonFields.of(node, "get_blocks", GET_BLOCKS);
                long from = f.uint("from");
                long to = f.uint("to");
                if (from < 1 || to < from || to - from >= MAX_BLOCKS) {
                    throw new IllegalArgumentException("get_blocks needs 1 <= from <= to < from + " + MAX_BLOCKS);
                }
                submit(() -> serve(peerId, from, to));
            }
            case "blocks" -> {
                heard.put(peerId, System.nanoTime());
                List<Synced> blocks = parseBlocks(JsonFields.of(node, "blocks", BLOCKS).raw("blocks"));
                submit(() -> answered(peerId, blocks, payload.length));
            }
            default -> throw new IllegalArgumentException("unknown sync message type '" + type + "'");
        }
    }

    /** A reply's entries, decoded: at most {@link #MAX_BLOCKS}, of consecutive heights. */
    private static List<Synced> parseBlocks(JsonNode arr) {
        if (!arr.isArray() || arr.size() > MAX_BLOCKS) {
            throw new IllegalArgumentException("blocks.blocks must be an array of at most " + MAX_BLOCKS);
        }
        List<Synced> out = new ArrayList<>(arr.size());
        for (JsonNode e : arr) {
            Synced s = Synced.fromJson(e);
            long h = s.block().header().height();
            if (!out.isEmpty() && h != out.getLast().block().header().height() + 1) {
                throw new IllegalArgumentException("blocks.blocks must be of consecutive heights; " + h + " follows "
                        + out.getLast().block().header().height());
            }
            out.add(s);
        }
        return out;
    }

    private void submit(Runnable r) {
        if (executor.getQueue().size() >= MAX_QUEUED) return; // a peer flooding requests; it will ask again
        run(r);
    }

    private void run(Runnable r) {
        try {
            executor.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("block sync step failed", e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // close() was called
        }
    }

    private byte[] status() {
        long head = chain.head().header().height();
        return bytes(Json.object().put("type", "status").put("base", Math.min(chain.earliestBlock(), head + 1))
                .put("height", head));
    }

    private void serve(String peerId, long from, long to) {
        ObjectNode reply = Json.object().put("type", "blocks");
        ArrayNode arr = reply.putArray("blocks");
        long size = 0;
        for (long h = from; h <= to; h++) {
            Optional<Block> b = chain.block(h);
            Optional<JsonNode> cert = chain.commitOf(h);
            if (b.isEmpty() || cert.isEmpty()) break;
            ObjectNode e = Json.object();
            e.set("block", b.get().toJson());
            e.set("commit", cert.get());
            long n = e.toString().length();
            if (!arr.isEmpty() && size + n > MAX_REPLY_BYTES) break;
            size += n;
            arr.add(e);
        }
        network.send(peerId, Channel.SYNC, bytes(reply));
    }

    /** On the sync thread: penalizes peers that timed out, and asks for the ranges the window opens. */
    private void tick() {
        long head = chain.head().header().height();
        heard.forEach(window::heard); // answers may be waiting behind this thread's commits: not silence
        SyncWindow.Actions a = window.poll(head, LAG, System.nanoTime());
        OptionalLong lowest = window.unservable(head, LAG);
        if (lowest.isPresent() && head != unservableWarned) {
            unservableWarned = head;
            LOG.warn("block sync cannot go on: this node is at height {} and its peers keep blocks only from height {}"
                    + " (they pruned older blocks or joined by state sync); connect it to an archive node (--peers),"
                    + " or start it on an empty data dir with --state-sync (docs/operations.md, \"State sync\")",
                    head, lowest.getAsLong());
        }
        for (SyncWindow.Ask t : a.timedOut()) {
            LOG.info("peer {} did not answer blocks {}..{}; asking another", t.peer(), t.from(), t.to());
            network.penalize(t.peer(), Misbehaviour.USELESS, "no answer to get_blocks " + t.from() + ".." + t.to());
        }
        for (SyncWindow.Ask ask : a.asks()) {
            ObjectNode req = Json.object().put("type", "get_blocks").put("from", ask.from()).put("to", ask.to());
            if (!network.send(ask.peer(), Channel.SYNC, bytes(req))) window.gone(ask.peer()); // asked again next tick
        }
    }

    /** On the sync thread: takes a peer's answer into the window, then commits what is ready. */
    private void answered(String peerId, List<Synced> blocks, long bytes) {
        long from = blocks.isEmpty() ? 0 : blocks.getFirst().block().header().height();
        switch (window.answer(peerId, from, blocks, bytes)) {
            case ACCEPTED -> {
                commitReady();
                tick();
            }
            case NOT_ASKED -> network.penalize(peerId, Misbehaviour.USELESS, "blocks that were not asked for");
            case TOO_MANY -> network.penalize(peerId, Misbehaviour.MALFORMED, "more blocks than asked from " + from);
        }
    }

    /**
     * On the sync thread: commits the answered range that continues the head, in order, then queues itself again
     * while another is ready, so that answers arriving meanwhile are taken in between.
     */
    private void commitReady() {
        Optional<SyncWindow.Ready<Synced>> ready = window.take(chain.head().header().height());
        if (ready.isEmpty()) return;
        String peerId = ready.get().peer();
        long committed = 0;
        try {
            committed = commit(peerId, ready.get().blocks());
        } finally {
            if (committed > 0) {
                synced.addAndGet(committed);
                syncedByPeer.merge(peerId, committed, Long::sum);
                LOG.info("block sync: committed {} block(s) from {}, head now {}", committed, peerId,
                        chain.head().header().height());
                if (consensus != null) consensus.headMoved();
                tick();
            }
        }
        run(this::commitReady);
    }

    /**
     * Verifies and commits {@code blocks} (consecutive) in order, returning how many were committed; from the first
     * that fails, the rest is opened again in the window, for another peer when the block was bad (and this one is
     * penalized: banned at the second).
     */
    private long commit(String peerId, List<Synced> blocks) {
        long committed = 0;
        long last = blocks.getLast().block().header().height();
        for (Synced s : blocks) {
            long head = chain.head().header().height();
            Block block = s.block();
            long h = block.header().height();
            if (h <= head) continue; // consensus got there first
            try {
                verifier.verify(chain.validatorSet(h), h, block.hashHex(), s.cert()); // the set of that height
                chain.commit(block, s.cert().toJson());
                committed++;
            } catch (BlockFromTheFutureException early) {
                // Ahead of our clock: most likely our clock is behind (the chain logged it). Not the peer's
                // fault; this block is asked for again on a later round, when the clock may be right again.
                window.reopen(h, last, null);
                return committed;
            } catch (InvalidCommitException | InvalidBlockException bad) {
                // Consensus may have committed this height meanwhile; only a refusal on the same parent is the
                // peer's fault (a certificate cannot make an invalid block valid).
                boolean peersFault = chain.head().header().height() == head;
                window.reopen(h, last, peersFault ? peerId : null);
                if (peersFault) network.penalize(peerId, Misbehaviour.INVALID, "sync block " + h + ": " + bad.getMessage());
                return committed;
            }
        }
        return committed;
    }

    /** One entry of a peer's {@code blocks} reply: a block and the commit certificate for it. */
    record Synced(Block block, CommitCertificate cert) {
        /** @throws IllegalArgumentException for an entry that is malformed (the peer is penalized) */
        static Synced fromJson(JsonNode e) {
            JsonFields f = JsonFields.of(e, "blocks entry", ENTRY);
            Block block = Block.fromJson(f.raw("block"));
            return new Synced(block, CommitCertificate.fromJson(f.raw("commit"), block.header().height(), block.hashHex()));
        }
    }

    private static byte[] bytes(JsonNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
