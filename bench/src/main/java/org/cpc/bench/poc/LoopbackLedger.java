package org.cpc.bench.poc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.poc.Ledger;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;

/** An L1 that includes every transaction at once: for measuring the PoC validator alone. */
public final class LoopbackLedger implements Ledger {
    private final NetworkParams params = NetworkParams.devnet();
    private final Map<String, Boolean> included = new ConcurrentHashMap<>();
    private final Map<String, Long> nonces = new ConcurrentHashMap<>();

    @Override
    public NetworkParams params() {
        return params;
    }

    @Override
    public Sent send(Transaction tx) {
        String hash = tx.hashHex();
        included.put(hash, true);
        nonces.merge(tx.fromAddress(), 1L, Long::sum);
        return new Sent.Accepted(hash);
    }

    @Override
    public TxState txState(String txHash) {
        return included.containsKey(txHash) ? TxState.INCLUDED : TxState.UNKNOWN;
    }

    /** The benchmark's workers have no bonds on this L1: all of equal (unbonded) standing. */
    @Override
    public org.cpc.poc.core.WorkerStanding workerStanding(String address) {
        return org.cpc.poc.core.WorkerStanding.UNKNOWN;
    }

    @Override
    public long nextNonce(String address) {
        return nonces.getOrDefault(address, 0L);
    }

    /** Blocks are not modelled here: the chain stays at height 0, so no dispute window closes. */
    @Override
    public long height() {
        return 0;
    }

    /** Tasks are not modelled here: L1 knows none, so none was disputed. */
    @Override
    public java.util.List<Dispute> disputes(String taskId) {
        return java.util.List.of();
    }

    /** Tasks are not modelled here: L1 knows none. */
    @Override
    public java.util.Optional<org.cpc.protocol.types.TaskStatus> taskStatus(String taskId) {
        return java.util.Optional.empty();
    }
}
