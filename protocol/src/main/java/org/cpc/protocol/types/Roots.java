package org.cpc.protocol.types;

import java.util.ArrayList;
import java.util.List;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.crypto.Merkle;

/** The per-block Merkle roots that depend only on the block's transactions. */
public final class Roots {
    private Roots() {}

    /** RFC 6962 root whose leaf data are the 32 raw bytes of each transaction hash, in block order. */
    public static String txRoot(List<Transaction> txs) {
        List<byte[]> leaves = new ArrayList<>(txs.size());
        for (Transaction tx : txs) leaves.add(tx.hash());
        return Hex.encode(Merkle.root(leaves));
    }

    /**
     * The seed's {@code compute_poc_root}: one leaf per SUBMIT_RESULT in block order, the leaf data being the
     * ComputeResult's declaration-order JSON; {@code ""} when the block has none.
     */
    public static String computeRoot(List<Transaction> txs) {
        List<ComputeResult> results = new ArrayList<>();
        for (Transaction tx : txs) {
            if (tx.txType() == TxType.SUBMIT_RESULT) results.add(ComputeResult.fromJson(tx.payload()));
        }
        return computeRootOf(results);
    }

    public static String computeRootOf(List<ComputeResult> results) {
        if (results.isEmpty()) return "";
        List<byte[]> leaves = new ArrayList<>(results.size());
        for (ComputeResult r : results) leaves.add(r.leafJson());
        return Hex.encode(Merkle.root(leaves));
    }
}
