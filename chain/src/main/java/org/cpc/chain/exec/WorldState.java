package org.cpc.chain.exec;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cpc.chain.Account;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.staking.StakingLedger;
import org.cpc.chain.state.StateKeys;
import org.cpc.chain.WorkerStats;

/**
 * Uncommitted changes over committed state while a block executes. Lookups use hash maps; the writes come out
 * sorted by (key space, tree key), so nothing depends on map iteration order.
 */
public final class WorldState implements StakingLedger {
    private final StateReader base;
    private final Map<String, Account> accounts = new HashMap<>();
    private final Map<String, WorkerStats> workers = new HashMap<>();
    private final Map<String, byte[]> results = new HashMap<>();
    private final Map<String, MarketTask> tasks = new HashMap<>();
    private final Map<String, MarketTask> taskWrites = new HashMap<>();
    private final Map<String, byte[]> payloads = new HashMap<>();
    private final Map<String, JobRecord> jobs = new HashMap<>();
    private final TreeMap<DeadlineIndex.Entry, Boolean> index = new TreeMap<>();
    /** Staking's entries by (key space, id): what was read (null = absent) and what was written. */
    private final Map<Entry, byte[]> entries = new HashMap<>();
    private final Set<Entry> written = new HashSet<>();

    private record Entry(byte type, String id) {}

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

    @Override
    public BigInteger balance(String address) {
        return account(address).balance();
    }

    @Override
    public void credit(String address, BigInteger wei) {
        if (wei.signum() < 0) throw new IllegalArgumentException("credit of a negative amount: " + wei);
        if (wei.signum() == 0) return;
        Account a = account(address);
        setAccount(address, new Account(a.balance().add(wei), a.nonce()));
    }

    @Override
    public byte[] get(byte type, String id) {
        Entry e = new Entry(type, id);
        if (entries.containsKey(e)) return entries.get(e);
        byte[] v = base.get(type, StateKeys.key(type, id));
        entries.put(e, v);
        return v;
    }

    @Override
    public void put(byte type, String id, byte[] value) {
        Entry e = new Entry(type, id);
        entries.put(e, value);
        written.add(e);
    }

    public boolean resultAccepted(String taskId) {
        return results.containsKey(taskId) || base.get(StateKeys.RESULT, StateKeys.key(StateKeys.RESULT, taskId)) != null;
    }

    public void acceptResult(String taskId, long height, byte[] txHash) {
        results.put(taskId, StateKeys.encodeResult(height, txHash));
    }

    /** The market task with this id, or null. */
    public MarketTask task(String taskId) {
        if (tasks.containsKey(taskId)) return tasks.get(taskId);
        MarketTask t = MarketTask.decode(base.get(StateKeys.TASK, StateKeys.key(StateKeys.TASK, taskId)));
        tasks.put(taskId, t);
        return t;
    }

    /** Writes a task and keeps the deadline index in step: an open task is in it, a final one is not. */
    public void setTask(MarketTask t) {
        tasks.put(t.taskId(), t);
        taskWrites.put(t.taskId(), t);
        index.put(new DeadlineIndex.Entry(t.deadline(), t.taskId()), t.status().open());
    }

    public void putPayload(String taskId, byte[] jcs) {
        payloads.put(taskId, jcs);
    }

    /** Whether job {@code job} of the task has an accepted result (in this block or before). */
    public boolean jobAccepted(String taskId, long job) {
        String k = taskId + "/" + job;
        return jobs.containsKey(k) || base.get(StateKeys.JOB, StateKeys.job(taskId, job)) != null;
    }

    /** The accepted job {@code job} of the task (in this block or before), or null. */
    public JobRecord job(String taskId, long job) {
        JobRecord j = jobs.get(taskId + "/" + job);
        return j != null ? j : JobRecord.decode(base.get(StateKeys.JOB, StateKeys.job(taskId, job)));
    }

    /** The JCS of a market task's payload (written in this block or before), or null. */
    public byte[] payload(String taskId) {
        byte[] p = payloads.get(taskId);
        return p != null ? p : base.get(StateKeys.TASK_PAYLOAD, StateKeys.key(StateKeys.TASK_PAYLOAD, taskId));
    }

    public void putJob(JobRecord j) {
        jobs.put(j.taskId() + "/" + j.job(), j);
    }

    /** The deadline index changes of this block, in index order. */
    public List<DeadlineIndex.Write> indexWrites() {
        List<DeadlineIndex.Write> out = new ArrayList<>(index.size());
        for (Map.Entry<DeadlineIndex.Entry, Boolean> e : index.entrySet()) {
            out.add(new DeadlineIndex.Write(e.getKey(), e.getValue()));
        }
        return out;
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
        for (Map.Entry<String, MarketTask> e : taskWrites.entrySet()) {
            out.add(new StateWrite(StateKeys.TASK, StateKeys.key(StateKeys.TASK, e.getKey()), e.getValue().encode()));
        }
        for (Map.Entry<String, byte[]> e : payloads.entrySet()) {
            out.add(new StateWrite(StateKeys.TASK_PAYLOAD, StateKeys.key(StateKeys.TASK_PAYLOAD, e.getKey()), e.getValue()));
        }
        for (JobRecord j : jobs.values()) {
            out.add(new StateWrite(StateKeys.JOB, StateKeys.job(j.taskId(), j.job()), j.encode()));
        }
        for (Entry e : written) {
            out.add(new StateWrite(e.type(), StateKeys.key(e.type(), e.id()), entries.get(e)));
        }
        out.sort((a, b) -> a.type() != b.type() ? Byte.compare(a.type(), b.type())
                : Arrays.compareUnsigned(a.treeKey(), b.treeKey()));
        return out;
    }
}
