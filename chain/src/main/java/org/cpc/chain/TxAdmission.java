package org.cpc.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.TxRules;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.mempool.Mempool;
import org.cpc.chain.mempool.StrikeWindow;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Whether a transaction may enter the mempool: every rule of the next block against the committed state and the
 * pool, cheap ones first, signatures and proofs last. Thread-safe, and runs outside the chain's writer lock, so
 * verifying signatures and proofs never holds up a block.
 */
final class TxAdmission {
    private final NetworkParams params;
    private final BlockExecutor executor;
    private final ChainStore store;
    private final ChainHead head;
    private final Mempool mempool;
    private final Function<String, Account> accounts;
    private final LongSupplier clockMs;
    /** Senders of recent invalid proofs: at most 8 a minute each get checked. */
    private final StrikeWindow proofGuard = new StrikeWindow(8, 60_000, 100_000);

    TxAdmission(NetworkParams params, BlockExecutor executor, ChainStore store, ChainHead head, Mempool mempool,
                Function<String, Account> accounts, LongSupplier clockMs) {
        this.params = params;
        this.executor = executor;
        this.store = store;
        this.head = head;
        this.mempool = mempool;
        this.accounts = accounts;
        this.clockMs = clockMs;
    }

    /** Checks a transaction and, if it passes, adds it to the mempool. */
    Admission submit(Transaction tx) {
        PreparedTx p;
        try {
            p = PreparedTx.of(tx);
        } catch (RuntimeException e) {
            return malformed(e);
        }
        return submit(p);
    }

    /**
     * Checks transactions and adds those that pass, answering each in order. First, on all cores, each is hashed
     * and, when its signature is the whole of its costly checks ({@link BlockExecutor#signatureOnly}), its
     * signature verified into the verified memo; then each is admitted in order exactly as {@link #submit} would,
     * finding its signature already checked. The parallel pass only warms the memo: a failure there is reported by
     * the ordered pass, with the same words as for a single submission.
     */
    List<Admission> submitAll(List<Transaction> txs) {
        PreparedTx[] prepared = new PreparedTx[txs.size()];
        IntStream.range(0, prepared.length).parallel().forEach(i -> {
            try {
                PreparedTx p = PreparedTx.of(txs.get(i));
                prepared[i] = p;
                if (BlockExecutor.signatureOnly(p.tx().txType())) executor.verifyExpensive(p, null, null);
            } catch (TxRejected | RuntimeException e) {
                // reported by the ordered pass
            }
        });
        List<Admission> out = new ArrayList<>(prepared.length);
        for (int i = 0; i < prepared.length; i++) {
            out.add(prepared[i] == null ? submit(txs.get(i)) : submit(prepared[i]));
        }
        return out;
    }

    /** {@link #submitAll} of transactions already hashed: only the signatures are checked on all cores first. */
    List<Admission> submitAllPrepared(List<PreparedTx> txs) {
        txs.parallelStream().forEach(p -> {
            try {
                if (BlockExecutor.signatureOnly(p.tx().txType())) executor.verifyExpensive(p, null, null);
            } catch (TxRejected | RuntimeException e) {
                // reported by the ordered pass
            }
        });
        return txs.stream().map(this::submit).toList();
    }

    private static Admission malformed(RuntimeException e) {
        return new Admission.Rejected(null, "malformed transaction: " + e.getMessage());
    }

    private Admission submit(PreparedTx p) {
        Transaction tx = p.tx();
        long[] loc = store.txLocation(p.hash());
        if (loc != null) return new Admission.Rejected(p.hashHex(), "transaction is already included in block " + loc[0]);
        try {
            TxRules.Checked c = TxRules.checkStateless(p, params);
            Account acct = accounts.apply(tx.fromAddress());
            WorldState ws = new WorldState(store::state);
            String slot = executor.slot(c, tx, ws);
            String why = mempool.precheck(p, acct, slot);
            if (why != null) return new Admission.Rejected(p.hashHex(), why);
            if (tx.txType() == TxType.SUBMIT_RESULT) {
                long wait = proofGuard.blockedForMs(tx.fromAddress(), clockMs.getAsLong());
                if (wait > 0) {
                    return new Admission.Rejected(p.hashHex(), "sender " + tx.fromAddress() + " sent "
                            + proofGuard.maxStrikes() + " invalid proofs in the last " + proofGuard.windowMs() / 1000
                            + " s; this node checks no more of its proofs for " + (wait + 999) / 1000 + " s");
                }
            }
            Block hd = head.block();
            // The rules of the next block, whose timestamp is at least the head's + 1 ms.
            long nowMs = hd.header().timestamp() + 1;
            try {
                executor.plan(p, c, ws, head, hd.header().height() + 1, Math.floorDiv(nowMs, 1000));
            } catch (TxRejected.InvalidProof e) {
                proofGuard.strike(tx.fromAddress(), clockMs.getAsLong());
                throw e;
            }
            why = mempool.add(p, accounts.apply(tx.fromAddress()), slot, clockMs.getAsLong());
            if (why != null) return new Admission.Rejected(p.hashHex(), why);
        } catch (TxRejected e) {
            return new Admission.Rejected(p.hashHex(), e.reason());
        }
        return new Admission.Accepted(p.hashHex());
    }
}
