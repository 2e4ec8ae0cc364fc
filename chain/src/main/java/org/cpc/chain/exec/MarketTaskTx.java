package org.cpc.chain.exec;

import org.cpc.chain.market.MarketTask;
import org.cpc.chain.market.TaskMachine;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;

/**
 * CREATE_TASK and CANCEL_TASK: the stateful rules of opening and of cancelling a market task, each returning its
 * effect. The reward a CREATE_TASK escrows is its amount, which the block takes from the sender with the gas.
 */
final class MarketTaskTx {
    private MarketTaskTx() {}

    /**
     * CREATE_TASK of {@code t} ({@code jobs} jobs) at {@code height}, block time {@code nowS}: its task_id is used by
     * no market task and no synthetic result, and its deadline is within {@code max_task_lifetime_s}. The effect
     * opens the task, pending, and stores its canonical payload.
     */
    static TxEffect create(Transaction tx, ComputeTask t, int jobs, WorldState state, long height, long nowS,
                           NetworkParams params) throws TxRejected {
        if (state.task(t.taskId()) != null) {
            throw new TxRejected("task_id " + t.taskId() + " is already used by a market task");
        }
        if (state.resultAccepted(t.taskId())) {
            throw new TxRejected("task_id " + t.taskId() + " is already used by a synthetic result");
        }
        TaskMachine.checkDeadline(t.deadline(), nowS, params.maxTaskLifetimeS());
        return b -> {
            byte[] payload = Jcs.canonicalize(t.payload());
            b.state().setTask(TaskMachine.create(t.taskId(), tx.fromAddress(), t.challengeType(),
                    Hex.encode(Sha256.hash(payload)), t.reward(), t.deadline(), jobs, height));
            b.state().putPayload(t.taskId(), payload);
        };
    }

    /**
     * CANCEL_TASK of {@code taskId}: the task exists and {@link TaskMachine#cancel} allows it (the sender created
     * it, no job accepted yet). The effect closes the task and refunds its creator the escrow left.
     */
    static TxEffect cancel(Transaction tx, String taskId, WorldState state) throws TxRejected {
        MarketTask task = state.task(taskId);
        if (task == null) throw new TxRejected("no market task " + taskId);
        TaskMachine.Closed closed = TaskMachine.cancel(task, tx.fromAddress());
        return b -> {
            b.state().setTask(closed.task());
            b.credit(task.creator(), closed.refund());
        };
    }
}
