package org.cpc.poc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * An L1 stand-in for tests of the PoC validator alone: checks nonces, includes every transaction at once, refuses a
 * second result for the same job (as L1 does) and can play an outage.
 */
final class FakeLedger implements Ledger {
    final NetworkParams params = NetworkParams.devnet();
    final Map<String, Transaction> included = new ConcurrentHashMap<>();
    final Map<String, Long> nonces = new ConcurrentHashMap<>();
    final Set<String> results = ConcurrentHashMap.newKeySet();
    final List<ComputeResult> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    /** TRANSFERs taken into the "mempool" while {@link #holdTransfers}: pending until {@link #releaseTransfers}. */
    final Map<String, Transaction> held = new ConcurrentHashMap<>();
    volatile boolean down;
    volatile boolean holdTransfers;
    /** Takes what is sent, then fails as a connection that broke before the answer came back. */
    volatile boolean loseAnswers;

    @Override
    public NetworkParams params() {
        check();
        return params;
    }

    @Override
    public synchronized Sent send(Transaction tx) {
        check();
        if (included.containsKey(tx.hashHex()) || held.containsKey(tx.hashHex())) return new Sent.Accepted(tx.hashHex());
        long next = nonces.getOrDefault(tx.fromAddress(), 0L);
        if (tx.nonce() != next) return new Sent.Rejected("nonce " + tx.nonce() + " is not the next nonce " + next);
        if (tx.txType() == TxType.SUBMIT_RESULT) {
            ComputeResult r = ComputeResult.fromJson(tx.payload());
            if (!results.add(r.taskId() + "/" + r.nonce())) return new Sent.Rejected("job already has a result");
            accepted.add(r);
        }
        nonces.put(tx.fromAddress(), next + 1);
        if (holdTransfers && tx.txType() == TxType.TRANSFER) held.put(tx.hashHex(), tx);
        else included.put(tx.hashHex(), tx);
        if (loseAnswers) throw new Unavailable("fake L1 took the transaction, but its answer was lost", null);
        return new Sent.Accepted(tx.hashHex());
    }

    @Override
    public TxState txState(String txHash) {
        check();
        if (held.containsKey(txHash)) return TxState.PENDING;
        return included.containsKey(txHash) ? TxState.INCLUDED : TxState.UNKNOWN;
    }

    /** Includes the held TRANSFERs, as a block would. */
    synchronized void releaseTransfers() {
        holdTransfers = false;
        included.putAll(held);
        held.clear();
    }

    /** The included TRANSFERs from {@code from}. */
    List<Transaction> transfersFrom(String from) {
        return included.values().stream()
                .filter(t -> t.txType() == TxType.TRANSFER && t.fromAddress().equals(from)).toList();
    }

    @Override
    public long nextNonce(String address) {
        check();
        return nonces.getOrDefault(address, 0L);
    }

    private void check() {
        if (down) throw new Unavailable("fake L1 is down", null);
    }

    /** L1's height, which tests move on by hand. */
    volatile long height = 1;

    @Override
    public long height() {
        check();
        return height;
    }

    /** Bonds are not modelled here: every worker is unbonded, with no reputation (PocOnChainTest reads real ones). */
    @Override
    public org.cpc.poc.core.WorkerStanding workerStanding(String address) {
        check();
        return org.cpc.poc.core.WorkerStanding.UNKNOWN;
    }

    /** Disputes tests put here, by task id. */
    final Map<String, List<Dispute>> disputes = new ConcurrentHashMap<>();

    @Override
    public List<Dispute> disputes(String taskId) {
        check();
        return disputes.getOrDefault(taskId, List.of());
    }

    /** Tasks are not modelled here: L1 knows none. */
    @Override
    public java.util.Optional<org.cpc.protocol.types.TaskStatus> taskStatus(String taskId) {
        return java.util.Optional.empty();
    }
}
