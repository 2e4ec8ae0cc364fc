package org.cpc.chain.mempool;

import java.math.BigInteger;
import org.cpc.chain.staking.StakingRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cpc.chain.Account;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.state.ByteKey;
import org.cpc.protocol.types.Transaction;

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

    /**
     * Worst first: lowest gas price, then farthest nonce, then latest arrival. Written out rather than chained: a
     * commit removes thousands of entries from the index this orders, some sixteen comparisons each.
     */
    private static final Comparator<Entry> WORST_FIRST = (a, b) -> {
        int c = Long.compare(a.gasPrice(), b.gasPrice());
        if (c != 0) return c;
        c = Long.compare(b.nonce(), a.nonce());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
    };

    private final int perAccount;
    private final int capacity;
    private final long ttlMs;
    private final Map<ByteKey, Entry> byHash = new HashMap<>();
    private final Map<String, Pending> bySender = new HashMap<>();
    /** The same entries by transaction object: a block rebuilt from this pool finds each one's hash here. */
    private final Map<Transaction, Entry> byObject = new IdentityHashMap<>();
    private final Map<String, Entry> bySlot = new HashMap<>();
    private final TreeSet<Entry> byWorst = new TreeSet<>(WORST_FIRST);
    private long seq;

    /**
     * One sender's pending transactions by nonce, with the sum of what they spend (amount, except for the unbonding
     * types, plus fee), so that the balance check of a transaction past the sender's last pending nonce, the usual
     * case, costs one addition instead of a sum over the queue.
     */
    private static final class Pending {
        final TreeMap<Long, Entry> byNonce = new TreeMap<>();
        BigInteger total = BigInteger.ZERO;

        void put(Entry e) {
            Entry old = byNonce.put(e.nonce(), e);
            if (old != null) total = total.subtract(cost(old.p().tx()));
            total = total.add(cost(e.p().tx()));
        }

        void remove(Entry e) {
            if (byNonce.remove(e.nonce(), e)) total = total.subtract(cost(e.p().tx()));
        }

        /** What the pending transactions below {@code nonce} spend. */
        BigInteger before(long nonce) {
            if (byNonce.isEmpty() || byNonce.lastKey() < nonce) return total;
            BigInteger sum = BigInteger.ZERO;
            for (Entry e : byNonce.headMap(nonce, false).values()) sum = sum.add(cost(e.p().tx()));
            return sum;
        }
    }

    private static BigInteger cost(Transaction tx) {
        return StakingRules.spent(tx).add(tx.fee());
    }

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
        Pending pending = bySender.get(tx.fromAddress());
        TreeMap<Long, Entry> q = pending == null ? null : pending.byNonce;
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
        BigInteger own = cost(tx);
        BigInteger need = pending == null ? own : own.add(pending.before(tx.nonce()));
        if (committed.balance().compareTo(need) < 0) {
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
        Pending q = bySender.get(tx.fromAddress());
        Entry same = q == null ? null : q.byNonce.get(tx.nonce());
        if (same != null) remove(same);
        else if (byHash.size() >= capacity) evictWorst();
        Entry e = new Entry(p, seq++, nowMs, slot);
        bySender.computeIfAbsent(tx.fromAddress(), k -> new Pending()).put(e);
        byHash.put(new ByteKey(p.hash()), e);
        byObject.put(tx, e);
        byWorst.add(e);
        if (e.slot() != null) bySlot.put(e.slot(), e);
        return null;
    }

    private void evictWorst() {
        Entry worst = byWorst.first();
        // Its sender's later nonces could never be proposed without it: they go too.
        Pending q = bySender.get(worst.sender());
        for (Entry e : new ArrayList<>(q.byNonce.tailMap(worst.nonce(), true).values())) remove(e);
    }

    private void remove(Entry e) {
        byHash.remove(new ByteKey(e.p().hash()));
        byObject.remove(e.p().tx(), e);
        byWorst.remove(e);
        if (e.slot() != null) bySlot.remove(e.slot(), e);
        Pending q = bySender.get(e.sender());
        if (q != null) {
            q.remove(e);
            if (q.byNonce.isEmpty()) bySender.remove(e.sender());
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
            Pending q = bySender.get(s.getKey());
            if (q == null) continue;
            for (Entry e : new ArrayList<>(q.byNonce.headMap(s.getValue(), false).values())) remove(e);
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
        Pending q = bySender.get(sender);
        List<Entry> out = new ArrayList<>();
        if (q == null) return out;
        long n = fromNonce;
        for (Entry e : q.byNonce.tailMap(fromNonce, true).values()) {
            if (e.nonce() != n) break;
            out.add(e);
            n++;
        }
        return out;
    }

    /**
     * For each transaction, its pending entry's prepared form (hash computed at admission) when that very object
     * is pending here, else null: a block rebuilt from this pool need not hash its transactions again. By object
     * identity, so a transaction that merely equals a pending one is never taken for it.
     */
    public synchronized PreparedTx[] preparedOf(List<Transaction> txs) {
        PreparedTx[] out = new PreparedTx[txs.size()];
        for (int i = 0; i < out.length; i++) {
            Entry e = byObject.get(txs.get(i));
            if (e != null) out[i] = e.p();
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
