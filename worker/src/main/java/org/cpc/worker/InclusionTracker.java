package org.cpc.worker;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Follows the results a worker sent until each is in a block (accepted, and paid) or gone from the node's mempool
 * (the proposer found it invalid when it tried to include it, or it expired). Not thread-safe; the worker's loop
 * owns it.
 */
public final class InclusionTracker {
    /** A result the node received: its transaction and the height of the block its task came from. */
    public record Pending(String txHash, long sourceHeight) {}

    /** What became of a pending result. */
    public sealed interface Outcome {
        Pending pending();

        /** In block {@code blockHeight}, earning {@code earnedWei}. */
        record Included(Pending pending, long blockHeight, BigInteger earnedWei) implements Outcome {}

        /** No longer known to the node: it will never be included. */
        record Dropped(Pending pending) implements Outcome {}
    }

    private final NodeApi api;
    private final List<Pending> pending = new ArrayList<>();

    public InclusionTracker(NodeApi api) {
        this.api = api;
    }

    public void add(Pending p) {
        pending.add(p);
    }

    public int size() {
        return pending.size();
    }

    public void clear() {
        pending.clear();
    }

    /** Asks the node about every pending result; returns those that were decided, in the order they were sent. */
    public List<Outcome> check() {
        List<Outcome> decided = new ArrayList<>();
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            Optional<NodeApi.TxState> s = api.transaction(p.txHash());
            if (s.isEmpty()) {
                decided.add(new Outcome.Dropped(p));
                it.remove();
            } else if (s.get().included()) {
                long h = s.get().blockHeight();
                decided.add(new Outcome.Included(p, h, api.resultReward(h, p.txHash())));
                it.remove();
            }
        }
        return decided;
    }
}
