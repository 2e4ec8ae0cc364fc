package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.TxRules;
import org.cpc.consensus.Proposal;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * Proposals on the wire as {@link CompactMessages.Compact}: the sender lists its block's transaction hashes (with
 * the bodies of those its peers may not have), the receiver rebuilds the block from its mempool, fetches what it
 * lacks from the peer that sent the proposal, and hands the state machine a full {@link Proposal} only once every
 * transaction is there (each checked against its listed hash, the list against the header's tx_root). This is the
 * driver's transport, not consensus: the machine sees the same proposals as before, and its propose timeout moves
 * the round on (a nil prevote) when a block cannot be completed, so a peer that never answers, or a proposer that
 * lists a transaction nobody has, costs at most the round.
 *
 * <p>Bounds: at most {@link #MAX_PENDING} blocks being rebuilt (the oldest dropped), only for the height consensus
 * is at or the next one; one request in flight per block, asked again of whoever next sends that proposal once
 * {@link #FETCH_TIMEOUT_MS} have passed without a complete answer; the last {@link #MAX_KNOWN} full blocks are kept
 * to answer requests. Thread-safe: peers' reader threads and the consensus thread call it.
 */
public final class CompactProposals {
    /** How long a request for missing transactions is waited for before another peer may be asked. */
    public static final long FETCH_TIMEOUT_MS = 1_000;
    static final int MAX_PENDING = 8;
    static final int MAX_KNOWN = 4;

    /** A block being rebuilt: its compact form, the bodies found so far, what is missing, who was asked when. */
    private static final class Assembly {
        final CompactMessages.Compact compact;
        final Transaction[] slots;
        final Map<String, Integer> missing = new LinkedHashMap<>();
        final java.util.Set<String> listed;
        String askedPeer;
        long askedAtNanos;

        Assembly(CompactMessages.Compact c) {
            this.compact = c;
            this.slots = new Transaction[c.txHashes().size()];
            this.listed = new java.util.HashSet<>(c.txHashes());
        }
    }

    /** A full block kept to serve requests: its transactions by hash. */
    private record Known(Block block, Map<String, Transaction> byHash) {}

    /** A proposal of ours, encoded once for every (re-)send. */
    private record Encoded(Proposal<Block> proposal, byte[] bytes) {}

    private final PeerNetwork network;
    private final CompactMessages codec;
    private final Function<byte[], Optional<Transaction>> mempool;
    private final Predicate<String> peersHave;
    private final Predicate<CompactMessages.Compact> signedByProposer;
    private final Map<String, Assembly> pending = new LinkedHashMap<>();
    private final Map<String, Known> known = new LinkedHashMap<>();
    private Encoded lastSent;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong rebuilt = new AtomicLong();

    /**
     * @param maxTxs the chain's {@code max_block_txs}
     * @param mempool a pending transaction by hash
     * @param peersHave whether peers are likely to hold a transaction (it was gossiped); others are sent whole
     * @param signedByProposer whether a compact proposal's signature is its round's proposer's (checked before any
     *     work is done for a new block: else a peer could have the bodies of made-up blocks verified, up to
     *     {@code max_block_txs} signatures a message)
     */
    public CompactProposals(PeerNetwork network, long maxTxs, Function<byte[], Optional<Transaction>> mempool,
                            Predicate<String> peersHave, Predicate<CompactMessages.Compact> signedByProposer) {
        this.network = network;
        this.codec = new CompactMessages(maxTxs);
        this.mempool = mempool;
        this.peersHave = peersHave;
        this.signedByProposer = signedByProposer;
    }

    /** Requests for missing transactions sent / transactions received by them / blocks rebuilt from compact form. */
    public long requested() {
        return requested.get();
    }

    public long fetched() {
        return fetched.get();
    }

    public long rebuilt() {
        return rebuilt.get();
    }

    /** Our proposal as sent: compact, encoded once however often the gossip tick re-sends it. */
    public synchronized byte[] encode(Proposal<Block> p) {
        if (lastSent != null && lastSent.proposal() == p) return lastSent.bytes();
        List<Transaction> txs = p.block().transactions();
        List<String> hashes = new ArrayList<>(txs.size());
        List<Transaction> inline = new ArrayList<>();
        Map<String, Transaction> byHash = new HashMap<>();
        for (Transaction tx : txs) {
            String h = tx.hashHex();
            hashes.add(h);
            byHash.put(h, tx);
            if (!peersHave.test(h)) inline.add(tx);
        }
        keep(new Known(p.block(), byHash));
        byte[] bytes = CompactMessages.toJson(p, hashes, inline).toString().getBytes(StandardCharsets.UTF_8);
        lastSent = new Encoded(p, bytes);
        return bytes;
    }

    /**
     * A compact-proposal message from {@code peer}, on its reader thread. A proposal that is (or becomes) complete
     * goes to {@code deliver}; one for a height other than {@code height} or the next is ignored.
     *
     * @throws IllegalArgumentException the message is malformed (the caller penalizes the peer)
     */
    public void receive(String peer, JsonNode node, long height, Consumer<Proposal<Block>> deliver) {
        switch (codec.fromJson(node)) {
            case CompactMessages.Compact c -> {
                if (c.height() != height && c.height() != height + 1) return;
                boolean fresh;
                synchronized (this) {
                    fresh = !known.containsKey(c.blockHash()) && !pending.containsKey(c.blockHash());
                }
                // One proposal signature (ML-DSA) before anything is done for a block not seen yet: a copy from a
                // relay or of another round is dropped without a penalty, since the machine would ignore it too.
                if (fresh && !signedByProposer.test(c)) return;
                // Bodies sent along that the mempool lacks have unchecked signatures: a relayer could otherwise
                // spoil a valid block for this node by sending a transaction of it with a bad signature. Checked
                // for the first copy of a block only (its bodies are used then or never).
                String bad = !fresh || c.bodies().isEmpty() ? null
                        : unsigned(c.bodies().stream().filter(tx -> mempool.apply(tx.hash()).isEmpty()).toList());
                if (bad != null) {
                    network.penalize(peer, Misbehaviour.INVALID, "compact_proposal sends transaction " + bad
                            + " with a signature that does not verify");
                    return;
                }
                offer(peer, c, height).ifPresent(deliver);
            }
            case CompactMessages.GetTxs g -> serve(peer, g);
            case CompactMessages.Txs t -> answered(peer, t).ifPresent(deliver);
        }
    }

    /** The hash of the first transaction whose signature does not verify, or null. */
    private static String unsigned(List<Transaction> txs) {
        for (Transaction tx : txs) {
            PreparedTx p = PreparedTx.of(tx);
            try {
                TxRules.checkSignature(p);
            } catch (TxRejected e) {
                return p.hashHex();
            }
        }
        return null;
    }

    private Optional<Proposal<Block>> offer(String peer, CompactMessages.Compact c, long height) {
        CompactMessages.GetTxs ask;
        synchronized (this) {
            Known k = known.get(c.blockHash());
            if (k != null) return Optional.of(c.proposal(k.block()));
            pending.values().removeIf(a -> a.compact.height() < height);
            Assembly a = pending.get(c.blockHash());
            if (a == null) {
                a = new Assembly(c);
                Map<String, Transaction> sent = new HashMap<>();
                for (Transaction tx : c.bodies()) sent.put(tx.hashHex(), tx);
                for (int i = 0; i < a.slots.length; i++) {
                    String h = c.txHashes().get(i);
                    a.slots[i] = mempool.apply(Hex.decode(h)).orElse(sent.get(h));
                    if (a.slots[i] == null) a.missing.put(h, i);
                }
                if (a.missing.isEmpty()) return Optional.of(complete(a));
                if (pending.size() >= MAX_PENDING) {
                    Iterator<String> oldest = pending.keySet().iterator();
                    oldest.next();
                    oldest.remove();
                }
                pending.put(c.blockHash(), a);
            }
            long now = System.nanoTime();
            if (a.askedPeer != null && now - a.askedAtNanos < FETCH_TIMEOUT_MS * 1_000_000) return Optional.empty();
            a.askedPeer = peer;
            a.askedAtNanos = now;
            ask = new CompactMessages.GetTxs(c.blockHash(), List.copyOf(a.missing.keySet()));
        }
        requested.incrementAndGet();
        network.send(peer, Channel.CONSENSUS, bytes(CompactMessages.toJson(ask)));
        return Optional.empty();
    }

    /**
     * An answer: each transaction must be one of the block's, else the peer is penalized; the signatures of those
     * that fill a missing slot are verified (outside the lock) before they are used.
     */
    private Optional<Proposal<Block>> answered(String peer, CompactMessages.Txs t) {
        Map<String, Transaction> useful = new LinkedHashMap<>();
        synchronized (this) {
            Assembly a = pending.get(t.blockHash());
            // An answer for a block rebuilt meanwhile (or dropped) is late, not wrong.
            if (a == null || !peer.equals(a.askedPeer)) return Optional.empty();
            for (Transaction tx : t.txs()) {
                String h = tx.hashHex();
                if (a.missing.containsKey(h)) {
                    useful.put(h, tx);
                } else if (!a.listed.contains(h)) {
                    network.penalize(peer, Misbehaviour.INVALID, "txs for block " + t.blockHash()
                            + " holds transaction " + h + ", which was not requested");
                    return Optional.empty();
                }
            }
        }
        String bad = unsigned(List.copyOf(useful.values()));
        if (bad != null) {
            network.penalize(peer, Misbehaviour.INVALID, "txs for block " + t.blockHash() + " holds transaction "
                    + bad + " with a signature that does not verify");
            return Optional.empty();
        }
        synchronized (this) {
            Assembly a = pending.get(t.blockHash());
            if (a == null) return Optional.empty();
            useful.forEach((h, tx) -> {
                Integer i = a.missing.remove(h);
                if (i != null) {
                    a.slots[i] = tx;
                    fetched.incrementAndGet();
                }
            });
            return a.missing.isEmpty() ? Optional.of(complete(a)) : Optional.empty();
        }
    }

    /** Answers a request from the full blocks kept, else from the mempool; what neither holds is left out. */
    private void serve(String peer, CompactMessages.GetTxs g) {
        Known k;
        synchronized (this) {
            k = known.get(g.blockHash());
        }
        List<Transaction> out = new ArrayList<>(g.hashes().size());
        for (String h : g.hashes()) {
            Transaction tx = k != null ? k.byHash().get(h) : null;
            if (tx == null) tx = mempool.apply(Hex.decode(h)).orElse(null);
            if (tx != null) out.add(tx);
        }
        network.send(peer, Channel.CONSENSUS, bytes(CompactMessages.toJson(new CompactMessages.Txs(g.blockHash(), out))));
    }

    /** Holding the lock: the rebuilt block, kept to serve others, as a proposal. */
    private Proposal<Block> complete(Assembly a) {
        pending.remove(a.compact.blockHash());
        Block s = a.compact.skeleton();
        Block full = new Block(s.header(), List.of(a.slots), s.signature(), s.lastCommit(), s.evidence());
        Map<String, Transaction> byHash = new HashMap<>();
        for (int i = 0; i < a.slots.length; i++) byHash.put(a.compact.txHashes().get(i), a.slots[i]);
        keep(new Known(full, byHash));
        rebuilt.incrementAndGet();
        return a.compact.proposal(full);
    }

    private void keep(Known k) {
        known.remove(k.block().hashHex());
        if (known.size() >= MAX_KNOWN) {
            Iterator<String> oldest = known.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        known.put(k.block().hashHex(), k);
    }

    private static byte[] bytes(JsonNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
