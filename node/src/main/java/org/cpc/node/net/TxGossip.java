package org.cpc.node.net;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
import org.cpc.protocol.types.Transaction;

/**
 * Transaction gossip on {@link Channel#TX} (payload: the transaction's JSON). A transaction admitted to the mempool
 * from REST or the faucet is broadcast (this class listens to the chain); one received from a peer goes through
 * the same admission ({@code chain.submit}) on a thread of its own, never the consensus thread nor the peer's
 * reader, and if newly admitted is relayed to every other peer.
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

    private enum Seen { IN_FLIGHT, RELAYED, REFUSED }

    private final Chain chain;
    private final PeerNetwork network;
    private final Map<String, Seen> seen = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > SEEN_CAPACITY;
        }
    };
    private final ThreadPoolExecutor executor;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    public TxGossip(Chain chain, PeerNetwork network) {
        this.chain = chain;
        this.network = network;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
                r -> {
                    Thread t = new Thread(r, "tx-gossip");
                    t.setDaemon(true);
                    return t;
                }, (r, ex) -> dropped.incrementAndGet());
    }

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

    /** A transaction from a peer, on its reader thread: queued for admission. */
    void receive(String peerId, byte[] payload) {
        received.incrementAndGet();
        executor.execute(() -> admit(peerId, payload));
    }

    private void admit(String peerId, byte[] payload) {
        Transaction tx;
        PreparedTx p;
        try {
            tx = Transaction.fromJson(Json.parse(payload));
            p = PreparedTx.of(tx);
        } catch (RuntimeException e) {
            network.penalize(peerId, Misbehaviour.MALFORMED, "transaction: " + e.getMessage());
            return;
        }
        synchronized (seen) {
            if (seen.putIfAbsent(p.hashHex(), Seen.IN_FLIGHT) != null) return;
        }
        // submit() calls onTransactionAccepted on this thread; IN_FLIGHT tells it the relay is ours to do.
        Admission a = chain.submit(tx);
        if (a instanceof Admission.Accepted) {
            mark(p.hashHex(), Seen.RELAYED);
            admitted.incrementAndGet();
            network.broadcastExcept(peerId, Channel.TX, payload);
            return;
        }
        mark(p.hashHex(), Seen.REFUSED);
        // Only a refusal asks whether the peer is to blame: checking the stateless rules and the signature before
        // submit() would verify every gossiped signature twice, since submit() checks them too.
        try {
            TxRules.checkStateless(p, chain.params());
            TxRules.checkSignature(p);
        } catch (TxRejected e) {
            network.penalize(peerId, Misbehaviour.INVALID, "transaction " + p.hashHex() + ": " + e.reason());
        }
    }

    private void mark(String hash, Seen s) {
        synchronized (seen) {
            seen.put(hash, s);
        }
    }

    /** A transaction admitted from REST or the faucet (or a peer, whose relay {@link #admit} does). */
    @Override
    public void onTransactionAccepted(Transaction tx) {
        if (network.peers().isEmpty()) return; // a lone node: no hash or JSON to compute per transaction
        String hash = tx.hashHex();
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
        WorkerStop.dropQueuedAndStop(executor);
    }
}
