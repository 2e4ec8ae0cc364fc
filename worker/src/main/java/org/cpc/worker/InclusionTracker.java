package org.cpc.worker;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Follows the results a worker sent until each is in a block (accepted, and paid) or gone from the node's mempool
 * (the proposer found it invalid when it tried to include it, or it expired). Not thread-safe; the worker's loop
 * owns it.
 */
public final class InclusionTracker {
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

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
    private final NetworkParams params;
    private final List<Pending> pending = new ArrayList<>();

    public InclusionTracker(NodeApi api, NetworkParams params) {
        this.api = api;
        this.params = params;
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
                decided.add(new Outcome.Included(p, h, computeShare(params, h, api.block(h))));
                it.remove();
            }
        }
        return decided;
    }

    /**
     * One result's part of the block reward, as the chain pays it: the block reward at that height times
     * compute_reward_share_bps / 10000, split equally (rounded down) among the block's SUBMIT_RESULTs, every one
     * of which the chain accepted (an invalid one never gets into a block).
     */
    public static BigInteger computeShare(NetworkParams params, long height, Block block) {
        long results = 0;
        for (Transaction tx : block.transactions()) if (tx.txType() == TxType.SUBMIT_RESULT) results++;
        if (results == 0) return BigInteger.ZERO;
        BigInteger pool = params.blockRewardAt(height).multiply(BigInteger.valueOf(params.computeRewardShareBps()))
                .divide(BPS);
        return pool.divide(BigInteger.valueOf(results));
    }
}
