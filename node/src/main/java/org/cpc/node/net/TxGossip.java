package org.cpc.node.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.chain.Admission;
import org.cpc.chain.Chain;
import org.cpc.chain.ChainListener;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.TxRules;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.types.Transaction;
import org.slf4j.LoggerFactory;

/**
 * Transaction gossip on {@link Channel#TX} (payload: the transaction's JSON). A transaction admitted to the mempool
 * from REST or the faucet is broadcast (this class listens to the chain); one received from a peer goes through
 * the same admission on a thread of its own, never the consensus thread nor the peer's reader, and if newly
 * admitted is relayed to every other peer as the bytes it came in (never encoded again).
 *
 * <p>Admission is by batches: the worker takes what has queued up (at most {@link #BATCH}), parses and hashes each
 * once, and hands the new ones to {@code chain.submitAllPrepared}, which checks their signatures on the common
 * fork-join pool (cores − 1 threads and the worker) before admitting them in arrival order.
 *
 * <p>Penalties: a transaction that does not parse, or breaks a rule that needs no state (form, fees, signature), is
 * proof the peer did not check it before relaying ({@link Misbehaviour#MALFORMED}, {@link Misbehaviour#INVALID}).
 * A refusal that depends on state (nonce already used, balance, already included) is an honest race between
 * blocks and gossip and costs nothing. A bounded memory of recent hashes keeps a transaction that arrives from
 * several peers from being checked more than once.
 */
public final class TxGossip implements ChainListener, AutoCloseable {
    /** How many recent transaction hashes are remembered. */
    public static final int SEEN_CAPACITY = 100_000;
    /** Received transactions waiting for admission; beyond it they are dropped (and counted). */
    public static final int MAX_QUEUED = 10_000;
    /** Most received transactions admitted together. */
    public static final int BATCH = 256;

    private enum Seen { IN_FLIGHT, RELAYED, REFUSED }

    private final Chain chain;
    private final PeerNetwork network;
    private final Map<String, Seen> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > SEEN_CAPACITY;
        }
    };
    /**
     * SHA-256 digests of recent payloads: in a full mesh each transaction arrives from every peer that admitted it,
     * relayed as the same bytes, and a copy seen before is dropped before it is parsed and hashed.
     */
    private final Map<ByteBuffer, Boolean> payloads = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
            return size() > SEEN_CAPACITY;
        }
    };
    private final AtomicLong duplicates = new AtomicLong();
    private final ThreadPoolExecutor executor;
    private final ArrayBlockingQueue<Received> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    /** Whether a drain of {@link #queue} is scheduled or running. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public TxGossip(Chain chain, PeerNetwork network) {
        this.chain = chain;
        this.network = network;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tx-gossip");
            t.setDaemon(true);
            return t;
        }, (r, ex) -> draining.set(false));
    }

    private record Received(String peerId, byte[] payload) {}

    private record Parsed(String peerId, byte[] payload, PreparedTx p) {}

    /** Transactions received from peers / admitted from them / dropped because the queue was full. */
    public long received() {
        return received.get();
    }

    public long admitted() {
        return admitted.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Received transactions dropped unparsed: the same bytes came before. */
    public long duplicates() {
        return duplicates.get();
    }

    /** A transaction from a peer, on its reader thread: queued for admission. */
    void receive(String peerId, byte[] payload) {
        received.incrementAndGet();
        if (!queue.offer(new Received(peerId, payload))) {
            dropped.incrementAndGet();
            return;
        }
        if (draining.compareAndSet(false, true)) executor.execute(this::drain);
    }

    /** Admits batches until the queue is empty. */
    private void drain() {
        List<Received> batch = new ArrayList<>(BATCH);
        while (true) {
            batch.clear();
            queue.drainTo(batch, BATCH);
            if (batch.isEmpty()) {
                draining.set(false);
                // A transaction queued between the empty drain and the flag's reset has no drain of its own.
                if (queue.isEmpty() || !draining.compareAndSet(false, true)) return;
                continue;
            }
            admit(batch);
        }
    }

    private void admit(List<Received> batch) {
        List<Parsed> fresh = new ArrayList<>(batch.size());
        for (Received r : batch) {
            ByteBuffer digest = ByteBuffer.wrap(Sha256.hash(r.payload()));
            synchronized (seen) {
                if (payloads.putIfAbsent(digest, Boolean.TRUE) != null) {
                    duplicates.incrementAndGet();
                    continue;
                }
            }
            PreparedTx p;
            try {
                p = PreparedTx.of(Transaction.fromJson(Json.parse(r.payload())));
            } catch (RuntimeException e) {
                network.penalize(r.peerId(), Misbehaviour.MALFORMED, "transaction: " + e.getMessage());
                continue;
            }
            synchronized (seen) {
                if (seen.putIfAbsent(p.hashHex(), Seen.IN_FLIGHT) != null) continue;
            }
            fresh.add(new Parsed(r.peerId(), r.payload(), p));
        }
        if (fresh.isEmpty()) return;
        // submitAllPrepared() calls onTransactionAccepted on this thread; IN_FLIGHT tells it the relay is ours.
        List<Admission> answers = chain.submitAllPrepared(fresh.stream().map(Parsed::p).toList());
        for (int i = 0; i < fresh.size(); i++) settle(fresh.get(i), answers.get(i));
    }

    private void settle(Parsed r, Admission a) {
        PreparedTx p = r.p();
        if (a instanceof Admission.Accepted) {
            mark(p.hashHex(), Seen.RELAYED);
            admitted.incrementAndGet();
            network.broadcastExcept(r.peerId(), Channel.TX, r.payload());
            return;
        }
        mark(p.hashHex(), Seen.REFUSED);
        // Only a refusal asks whether the peer is to blame: checking the stateless rules and the signature before
        // submit() would verify every gossiped signature twice, since submit() checks them too.
        try {
            TxRules.checkStateless(p, chain.params());
            TxRules.checkSignature(p);
        } catch (TxRejected e) {
            network.penalize(r.peerId(), Misbehaviour.INVALID, "transaction " + p.hashHex() + ": " + e.reason());
        }
    }

    private void mark(String hash, Seen s) {
        synchronized (seen) {
            seen.put(hash, s);
        }
    }

    /** Whether the transaction was sent to (or came from) the peers on {@link Channel#TX}, as far as remembered. */
    public boolean relayed(String hashHex) {
        synchronized (seen) {
            return seen.get(hashHex) == Seen.RELAYED;
        }
    }

    /** A transaction admitted from REST or the faucet (or a peer, whose relay {@link #admit} does). */
    @Override
    public void onTransactionAccepted(Transaction tx, String hash) {
        if (network.peers().isEmpty()) return; // a lone node: no JSON to encode per transaction
        synchronized (seen) {
            Seen s = seen.get(hash);
            if (s == Seen.IN_FLIGHT || s == Seen.RELAYED) return;
            seen.put(hash, Seen.RELAYED);
        }
        network.broadcast(Channel.TX, tx.toJson().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Drops queued transactions and waits for an admission in flight, so the chain can close after. */
    @Override
    public void close() {
        queue.clear();
        WorkerStop.dropQueuedAndStop(executor);
        if (received.get() > 0) {
            LoggerFactory.getLogger(TxGossip.class).info("tx gossip: {} received, {} admitted, {} duplicates dropped"
                    + " unparsed, {} dropped on a full queue", received, admitted, duplicates, dropped);
        }
    }
}
