package org.cpc.chain.mempool;

import java.math.BigInteger;
import org.cpc.chain.staking.StakingRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cpc.chain.Account;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.state.ByteKey;

/**
 * Pending transactions. Holds future nonces (a gap is kept, not proposed until it fills), replaces a pending
 * transaction of the same sender and nonce only for a gas price at least 10% higher, bounds each account
 * ({@code perAccount} pending, nonces at most that far ahead) and the total ({@code capacity}; when full the
 * lowest-priced, farthest-nonce transaction and its sender's later ones are evicted for one paying a strictly
 * higher gas price), and
 * drops transactions older than the TTL. Thread-safe; the clock comes from the caller.
 */
public final class Mempool {
    /** A pending transaction with its arrival order and time. */
    public record Entry(PreparedTx p, long seq, long addedMs, String slot) {
        public long gasPrice() {
            return p.tx().gasPrice();
        }

        public long nonce() {
            return p.tx().nonce();
        }

        public String sender() {
            return p.tx().fromAddress();
        }
    }

    /** Worst first: lowest gas price, then farthest nonce, then latest arrival. */
    private static final Comparator<Entry> WORST_FIRST = Comparator.comparingLong(Entry::gasPrice)
            .thenComparing(Comparator.comparingLong(Entry::nonce).reversed())
            .thenComparing(Comparator.comparingLong(Entry::seq).reversed());

    private final int perAccount;
    private final int capacity;
    private final long ttlMs;
    private final Map<ByteKey, Entry> byHash = new HashMap<>();
    private final Map<String, TreeMap<Long, Entry>> bySender = new HashMap<>();
    private final Map<String, Entry> bySlot = new HashMap<>();
    private final TreeSet<Entry> byWorst = new TreeSet<>(WORST_FIRST);
    private long seq;

    public Mempool(int perAccount, int capacity, long ttlMs) {
        this.perAccount = perAccount;
        this.capacity = capacity;
        this.ttlMs = ttlMs;
    }

    public synchronized int size() {
        return byHash.size();
    }

    public synchronized Entry get(byte[] hash) {
        return byHash.get(new ByteKey(hash));
    }

    /**
     * The checks that depend on the pool and the committed account; null when the transaction may go in, else
     * the reason. Run before the signature is verified, and again inside {@link #add}. {@code slot} (or null) is
     * what at most one pending transaction may hold: "task_id X" for a synthetic result, "job N of task X" for a
     * market job result, "CREATE_TASK of task X".
     */
    public synchronized String precheck(PreparedTx p, Account committed, String slot) {
        var tx = p.tx();
        if (byHash.containsKey(new ByteKey(p.hash()))) return "transaction " + p.hashHex() + " is already in the mempool";
        if (tx.nonce() < committed.nonce()) {
            return "nonce " + tx.nonce() + " is below the account's next nonce " + committed.nonce();
        }
        if (tx.nonce() >= committed.nonce() + perAccount) {
            return "nonce " + tx.nonce() + " is too far ahead of the account's next nonce " + committed.nonce()
                    + " (at most " + perAccount + " pending transactions per account)";
        }
        TreeMap<Long, Entry> q = bySender.get(tx.fromAddress());
        Entry same = q == null ? null : q.get(tx.nonce());
        if (same != null) {
            long old = same.gasPrice();
            if (tx.gasPrice() * 10 < old * 11) {
                long min = (old * 11 + 9) / 10;
                return "a transaction with nonce " + tx.nonce() + " is already pending at gas_price " + old
                        + "; a replacement needs gas_price >= " + min + " (10% more)";
            }
        } else if (q != null && q.size() >= perAccount) {
            return "account already has " + q.size() + " pending transactions (the limit per account)";
        }
        // Balance against everything this sender has pending before this nonce.
        BigInteger need = StakingRules.spent(tx).add(tx.fee());
        if (q != null) {
            for (Entry e : q.headMap(tx.nonce(), false).values()) {
                need = need.add(StakingRules.spent(e.p().tx())).add(e.p().tx().fee());
            }
        }
        if (committed.balance().compareTo(need) < 0) {
            BigInteger own = StakingRules.spent(tx).add(tx.fee());
            return "insufficient balance: has " + committed.balance() + " wei, needs " + need + " (amount + fee"
                    + (need.equals(own) ? ")" : " of this and the account's earlier pending transactions)");
        }
        if (slot != null) {
            Entry other = bySlot.get(slot);
            if (other != null && !(same != null && other == same)) {
                boolean whole = slot.startsWith("CREATE_TASK") || slot.startsWith("CHALLENGE_RESULT");
                return (whole ? "a " : "a result for ") + slot + " is already pending (" + other.p().hashHex() + ")";
            }
        }
        if (same == null && byHash.size() >= capacity) {
            Entry worst = byWorst.first();
            if (tx.gasPrice() <= worst.gasPrice()) {
                return "mempool full (" + capacity + " transactions) and gas_price " + tx.gasPrice()
                        + " is not above the lowest pending gas_price " + worst.gasPrice();
            }
        }
        return null;
    }

    /** Adds a verified transaction; null on success, else the reason (the pool may have changed meanwhile). */
    public synchronized String add(PreparedTx p, Account committed, String slot, long nowMs) {
        String why = precheck(p, committed, slot);
        if (why != null) return why;
        var tx = p.tx();
        TreeMap<Long, Entry> q = bySender.computeIfAbsent(tx.fromAddress(), k -> new TreeMap<>());
        Entry same = q.get(tx.nonce());
        if (same != null) remove(same);
        else if (byHash.size() >= capacity) evictWorst();
        Entry e = new Entry(p, seq++, nowMs, slot);
        q = bySender.computeIfAbsent(tx.fromAddress(), k -> new TreeMap<>());
        q.put(tx.nonce(), e);
        byHash.put(new ByteKey(p.hash()), e);
        byWorst.add(e);
        if (e.slot() != null) bySlot.put(e.slot(), e);
        return null;
    }

    private void evictWorst() {
        Entry worst = byWorst.first();
        // Its sender's later nonces could never be proposed without it: they go too.
        TreeMap<Long, Entry> q = bySender.get(worst.sender());
        for (Entry e : new ArrayList<>(q.tailMap(worst.nonce(), true).values())) remove(e);
    }

    private void remove(Entry e) {
        byHash.remove(new ByteKey(e.p().hash()));
        byWorst.remove(e);
        if (e.slot() != null) bySlot.remove(e.slot(), e);
        TreeMap<Long, Entry> q = bySender.get(e.sender());
        if (q != null) {
            q.remove(e.nonce(), e);
            if (q.isEmpty()) bySender.remove(e.sender());
        }
    }

    public synchronized void remove(byte[] hash) {
        Entry e = byHash.get(new ByteKey(hash));
        if (e != null) remove(e);
    }

    /**
     * Drops what a committed block settled, under one acquisition of the pool's lock instead of one per transaction
     * (admissions queue on this lock, and a block of thousands would wait behind them thousands of times): the
     * block's transactions by hash, then each sender's transactions whose nonce is below its committed next nonce.
     */
    public synchronized void removeCommitted(List<byte[]> hashes, Map<String, Long> nextNonce) {
        for (byte[] h : hashes) {
            Entry e = byHash.get(new ByteKey(h));
            if (e != null) remove(e);
        }
        for (Map.Entry<String, Long> s : nextNonce.entrySet()) {
            TreeMap<Long, Entry> q = bySender.get(s.getKey());
            if (q == null) continue;
            for (Entry e : new ArrayList<>(q.headMap(s.getValue(), false).values())) remove(e);
        }
    }

    /** Drops transactions that have waited longer than the TTL; returns how many. */
    public synchronized int expire(long nowMs) {
        List<Entry> old = new ArrayList<>();
        for (Entry e : byHash.values()) if (nowMs - e.addedMs() > ttlMs) old.add(e);
        for (Entry e : old) remove(e);
        return old.size();
    }

    /** The sender's pending transactions from {@code fromNonce} on, contiguous only (a gap ends the run). */
    public synchronized List<Entry> runFrom(String sender, long fromNonce) {
        TreeMap<Long, Entry> q = bySender.get(sender);
        List<Entry> out = new ArrayList<>();
        if (q == null) return out;
        long n = fromNonce;
        for (Entry e : q.tailMap(fromNonce, true).values()) {
            if (e.nonce() != n) break;
            out.add(e);
            n++;
        }
        return out;
    }

    /**
     * {@link #runFrom} of each sender in {@code senders} from the nonce at the same index, under one acquisition of
     * the lock (a block builder would otherwise queue behind admissions once per sender).
     */
    public synchronized List<List<Entry>> runsFrom(List<String> senders, long[] fromNonces) {
        List<List<Entry>> out = new ArrayList<>(senders.size());
        for (int i = 0; i < senders.size(); i++) out.add(runFrom(senders.get(i), fromNonces[i]));
        return out;
    }

    /** A snapshot of every sender with pending transactions, sorted (for a deterministic proposal). */
    public synchronized List<String> senders() {
        List<String> s = new ArrayList<>(bySender.keySet());
        s.sort(null);
        return s;
    }

}
