package org.cpc.chain.exec;

import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.state.ByteKey;

/**
 * Transaction hashes whose signature (and, for SUBMIT_RESULT, proof) this node has already verified, so a
 * transaction admitted to the mempool is not verified again when its block is built, validated or committed.
 * A memo only: it never changes an outcome, since a transaction hash fixes its signature-independent content and
 * the verified (hash, signature) pair is stored whole.
 */
public final class VerifiedCache {
    private final ConcurrentHashMap<ByteKey, String> verified = new ConcurrentHashMap<>();
    private final int capacity;

    public VerifiedCache(int capacity) {
        this.capacity = capacity;
    }

    public boolean contains(PreparedTx p) {
        String sig = verified.get(new ByteKey(p.hash()));
        return sig != null && sig.equals(p.tx().signature());
    }

    public void add(PreparedTx p) {
        if (verified.size() >= capacity) {
            // Drop about a tenth, in whatever order the map gives: only costs a re-verification later.
            int drop = capacity / 10 + 1;
            var it = verified.keySet().iterator();
            while (drop-- > 0 && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        verified.put(new ByteKey(p.hash()), p.tx().signature());
    }

    public void remove(byte[] hash) {
        verified.remove(new ByteKey(hash));
    }
}
