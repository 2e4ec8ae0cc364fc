package org.cpc.chain.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cpc.chain.Account;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.state.StateKeys.WorkerStats;

/**
 * Uncommitted changes over committed state while a block executes. Lookups use hash maps; the writes come out
 * sorted by (key space, tree key), so nothing depends on map iteration order.
 */
public final class WorldState {
    private final StateReader base;
    private final Map<String, Account> accounts = new HashMap<>();
    private final Map<String, WorkerStats> workers = new HashMap<>();
    private final Map<String, byte[]> results = new HashMap<>();

    public WorldState(StateReader base) {
        this.base = base;
    }

    public Account account(String address) {
        Account a = accounts.get(address);
        if (a == null) {
            a = StateKeys.decodeAccount(base.get(StateKeys.ACCOUNT, StateKeys.account(address)));
            accounts.put(address, a);
        }
        return a;
    }

    public void setAccount(String address, Account a) {
        accounts.put(address, a);
    }

    public boolean resultAccepted(String taskId) {
        return results.containsKey(taskId) || base.get(StateKeys.RESULT, StateKeys.key(StateKeys.RESULT, taskId)) != null;
    }

    public void acceptResult(String taskId, long height, byte[] txHash) {
        results.put(taskId, StateKeys.encodeResult(height, txHash));
    }

    public WorkerStats worker(String address) {
        WorkerStats w = workers.get(address);
        if (w == null) {
            w = StateKeys.decodeWorker(base.get(StateKeys.WORKER, StateKeys.key(StateKeys.WORKER, address)));
            workers.put(address, w);
        }
        return w;
    }

    public void setWorker(String address, WorkerStats w) {
        workers.put(address, w);
    }

    /** Every entry touched, in (key space, tree key) order; unchanged reads are written again (harmless). */
    public List<StateWrite> writes() {
        List<StateWrite> out = new ArrayList<>(accounts.size() + workers.size() + results.size());
        for (Map.Entry<String, Account> e : accounts.entrySet()) {
            Account a = e.getValue();
            boolean empty = a.nonce() == 0 && a.balance().signum() == 0;
            out.add(new StateWrite(StateKeys.ACCOUNT, StateKeys.account(e.getKey()),
                    empty ? null : StateKeys.encodeAccount(a)));
        }
        for (Map.Entry<String, byte[]> e : results.entrySet()) {
            out.add(new StateWrite(StateKeys.RESULT, StateKeys.key(StateKeys.RESULT, e.getKey()), e.getValue()));
        }
        for (Map.Entry<String, WorkerStats> e : workers.entrySet()) {
            WorkerStats w = e.getValue();
            boolean empty = w.accepted() == 0 && w.earned().signum() == 0;
            out.add(new StateWrite(StateKeys.WORKER, StateKeys.key(StateKeys.WORKER, e.getKey()),
                    empty ? null : StateKeys.encodeWorker(w)));
        }
        out.sort((a, b) -> a.type() != b.type() ? Byte.compare(a.type(), b.type())
                : Arrays.compareUnsigned(a.treeKey(), b.treeKey()));
        return out;
    }
}
