package org.cpc.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.ResultPayment;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * Fills in the result payments of a store made before the store kept them with each block. Runs once, when such a
 * store is opened; every block committed since comes with the payments its execution made.
 *
 * <p>A committed block's SUBMIT_RESULTs all executed, so each one is either a market job, whose committed
 * {@link JobRecord} names this transaction and holds what it paid, or a synthetic result, paid
 * {@link BlockExecutor#syntheticResultReward} for the number of synthetic results in the block.
 */
final class LegacyResultPayments {
    /** The committed job record of (task_id, job), or null. */
    interface Jobs {
        JobRecord job(String taskId, long job);
    }

    private LegacyResultPayments() {}

    static void fillIn(ChainStore store, NetworkParams params) {
        Jobs jobs = (taskId, job) -> JobRecord.decode(store.state(StateKeys.JOB, StateKeys.job(taskId, job)));
        SortedMap<Long, List<ResultPayment>> byHeight = new TreeMap<>();
        for (long h = 1; h <= store.headHeight(); h++) {
            List<ResultPayment> p = of(store.block(h), jobs, params);
            if (!p.isEmpty()) byHeight.put(h, p);
        }
        store.putResultPayments(byHeight);
    }

    /** What the SUBMIT_RESULTs of a committed block paid, in block order. */
    static List<ResultPayment> of(Block b, Jobs jobs, NetworkParams params) {
        List<Transaction> txs = b.transactions();
        List<ResultPayment> market = new ArrayList<>();
        List<Integer> synthetic = new ArrayList<>();
        for (int i = 0; i < txs.size(); i++) {
            Transaction tx = txs.get(i);
            if (tx.txType() != TxType.SUBMIT_RESULT) continue;
            ComputeResult r = ComputeResult.fromJson(tx.payload());
            JobRecord job = r.nonce() == null ? null : jobs.job(r.taskId(), r.nonce());
            if (job != null && job.txHash().equals(tx.hashHex())) {
                market.add(new ResultPayment(i, ResultPayment.Kind.MARKET, job.workerReward(), job.pocValidator()));
            } else {
                synthetic.add(i);
            }
        }
        List<ResultPayment> out = new ArrayList<>(market);
        if (!synthetic.isEmpty()) {
            BigInteger each = BlockExecutor.syntheticResultReward(params, b.header().height(), synthetic.size());
            for (int i : synthetic) out.add(new ResultPayment(i, ResultPayment.Kind.SYNTHETIC, each, null));
        }
        out.sort(java.util.Comparator.comparingInt(ResultPayment::index));
        return out;
    }
}
