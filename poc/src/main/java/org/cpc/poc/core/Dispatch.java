package org.cpc.poc.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cpc.compute.market.PoolMessage;
import org.cpc.protocol.codec.Json;

/**
 * The workers and the queue: who is connected, which jobs wait, which worker runs what, and when a job is taken back.
 * Part of the {@link PocMachine}: same thread, same outbox, no clock of its own (time comes in as {@code nowMs}).
 */
final class Dispatch {
    /** Shortest job timeout, whatever the worker's speed: connection hiccups, a GC pause, the result's upload. */
    static final long MIN_JOB_TIMEOUT_MS = 10_000;
    /** How many times its expected compute time a job may take before it goes to another worker. */
    static final int JOB_TIMEOUT_SLACK = 4;
    /** A job's timeout doubles with each failed attempt, at most this many times (then --job-timeout caps it). */
    static final int MAX_TIMEOUT_DOUBLINGS = 16;

    private final PocMachine.Rules rules;
    private final Outbox out;
    /** Every connection, authenticated or not, by id (in connection order). */
    private final Map<Long, WorkerSession> sessions = new LinkedHashMap<>();
    /** Authenticated workers in the order they said hello: the round-robin ring. */
    private final List<WorkerSession> ready = new ArrayList<>();
    private final LinkedHashSet<Job> queue = new LinkedHashSet<>();
    /**
     * Assignments whose output arrived before their deadline and is being verified (by id): the deadline bounds the
     * worker, not the PoC validator's own verification, so these do not time out.
     */
    private final Set<Long> verifying = new HashSet<>();
    private final Standings standings = new Standings();
    private int rr;
    private long assignments;
    /** The time hand-outs are stamped with: that of the input being handled. */
    private long nowMs;

    Dispatch(PocMachine.Rules rules, Outbox out) {
        this.rules = rules;
        this.out = out;
    }

    /** Every input that may hand out jobs sets the time first. */
    void now(long nowMs) {
        this.nowMs = nowMs;
    }

    WorkerSession session(long id) {
        return sessions.get(id);
    }

    List<WorkerSession> workers() {
        return ready;
    }

    /** What L1 last said of {@code address} ({@link WorkerStanding#UNKNOWN} until the edge read it). */
    WorkerStanding standing(String address) {
        return standings.of(address);
    }

    /** The connected workers whose standing the edge should read from L1 now (see {@link Standings#due}). */
    List<String> standingsDue(long nowMs) {
        return standings.due(ready, nowMs);
    }

    /** L1's answer for a worker: it ranks the worker from now on, so queued jobs may go to it at once. */
    void standing(String address, WorkerStanding s) {
        if (standings.learned(address, s, nowMs, ready)) dispatch();
    }

    /** GET /workers: who is connected, with what, running how much. */
    ObjectNode view() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("workers");
        for (WorkerSession s : ready) {
            ObjectNode w = a.addObject();
            w.put("address", s.address);
            w.put("backend", s.backend);
            w.put("device", s.device);
            w.put("gops", s.gops);
            w.put("max_jobs", s.maxJobs);
            w.put("jobs_in_flight", s.inflight.size());
            w.put("accepted", s.accepted);
            w.put("rejected", s.rejected);
            WorkerStanding st = standings.of(s.address);
            w.put("bonded", st.bonded());
            w.put("reputation", st.reputationBps());
        }
        o.put("jobs_queued", queue.size());
        return o;
    }

    void connected(long id, byte[] nonce, long nowMs) {
        if (sessions.containsKey(id)) throw new IllegalStateException("session " + id + " connected twice");
        sessions.put(id, new WorkerSession(id, nonce, nowMs));
        out.send(id, new PoolMessage.Challenge(org.cpc.compute.market.PoolProtocol.VERSION, nonce));
    }

    /** The worker proved its address: it joins the ring and gets jobs. */
    void authenticated(WorkerSession s, PoolMessage.Hello h, byte[] publicKey) {
        s.address = h.address();
        s.publicKey = publicKey;
        s.maxJobs = Math.max(1, Math.min(h.maxJobs() <= 0 ? rules.maxJobsPerWorker() : h.maxJobs(),
                rules.maxJobsPerWorker()));
        s.backend = h.backend();
        s.device = h.device();
        s.gops = h.gops();
        ready.add(s);
        standings.recount(ready);
        out.send(s.id, new PoolMessage.Welcome(s.address, rules.validator(), s.maxJobs, rules.heartbeatMs(),
                rules.jobTimeoutMs(), rules.maxResultBytes()));
        dispatch();
    }

    /** The connection is gone: its jobs go back to the queue. */
    void disconnected(long id) {
        WorkerSession s = sessions.remove(id);
        if (s == null) return;
        ready.remove(s);
        standings.retain(ready);
        for (Assignment a : s.inflight.values()) release(a);
        s.inflight.clear();
        dispatch();
    }

    /** Hangs up with {@code reason}, told to the worker first. */
    void refuse(long id, int code, String reason) {
        out.send(id, new PoolMessage.ErrorMessage(reason));
        out.close(id, code, reason.length() > 120 ? reason.substring(0, 120) : reason);
        disconnected(id);
    }

    /** The assignment is over without a verified output: its job waits for another worker. */
    void release(Assignment a) {
        verifying.remove(a.seq());
        Job j = a.job();
        if (j.assignment == a) j.assignment = null;
        if (j.status == JobStatus.ASSIGNED) j.move(JobStatus.QUEUED);
        requeue(j);
    }

    /** Takes {@code a} off its worker; false when it was not there any more (timed out, cancelled, disconnected). */
    boolean finish(Assignment a) {
        verifying.remove(a.seq());
        WorkerSession s = sessions.get(a.session());
        if (s == null || s.inflight.get(a.job().id()) != a) return false;
        s.inflight.remove(a.job().id());
        if (a.job().assignment == a) a.job().assignment = null;
        return true;
    }

    /** The worker answered {@code a} in time: its output is being verified, and the deadline no longer runs. */
    void answered(Assignment a) {
        verifying.add(a.seq());
    }

    void requeue(Job j) {
        if (j.task.running() && !j.task.cancelling) queue.add(j);
    }

    void unqueue(Job j) {
        queue.remove(j);
    }

    /** Takes a task's jobs back from the queue and from the workers running them. */
    void withdraw(Task t, String reason) {
        for (Job j : t.jobs) queue.remove(j);
        for (WorkerSession s : ready) {
            Iterator<Assignment> it = s.inflight.values().iterator();
            while (it.hasNext()) {
                Assignment a = it.next();
                if (a.job().task != t) continue;
                it.remove();
                verifying.remove(a.seq());
                if (a.job().assignment == a) a.job().assignment = null;
                if (a.job().status == JobStatus.ASSIGNED) a.job().move(JobStatus.QUEUED);
                out.send(s.id, new PoolMessage.Cancel(a.job().id(), reason));
            }
        }
        dispatch(); // the freed slots go to other tasks' jobs
    }

    /** Whether some worker other than {@code address} is connected (a duplicate run needs one). */
    boolean otherWorkerThan(String address) {
        for (WorkerSession o : ready) if (!o.address.equals(address)) return true;
        return false;
    }

    /** Hands queued jobs to workers with free slots; called after every change. */
    void dispatch() {
        if (queue.isEmpty() || ready.isEmpty()) return;
        int budget = queue.size();
        while (budget-- > 0 && !queue.isEmpty()) {
            if (!anyFreeSlot()) return;
            Job j = queue.removeFirst();
            boolean waiting = j.status == JobStatus.QUEUED || (j.status == JobStatus.AUDITING && j.assignment == null);
            if (!waiting || !j.task.running() || j.task.cancelling) continue;
            WorkerSession s = freeSession(j);
            if (s == null) {
                queue.addLast(j);
                continue;
            }
            assign(j, s);
        }
    }

    private boolean anyFreeSlot() {
        for (WorkerSession s : ready) if (s.hasRoom()) return true;
        return false;
    }

    /**
     * The worker for {@code j}: among those with a free slot that did not already run it, the one of highest
     * {@link WorkerStanding#rank()} (bonded and reputable first); among equals, the next in the round-robin ring.
     */
    private WorkerSession freeSession(Job j) {
        int n = ready.size();
        int top = standings.topRank();
        WorkerSession best = null;
        int bestRank = -1, bestAt = -1;
        for (int i = 0; i < n && bestRank < top; i++) {
            int at = (rr + i) % n;
            WorkerSession s = ready.get(at);
            if (!s.hasRoom() || j.excluded.contains(s.address)) continue;
            int rank = standings.of(s.address).rank();
            if (rank > bestRank) {
                best = s;
                bestRank = rank;
                bestAt = at;
            }
        }
        if (best != null) rr = (bestAt + 1) % n;
        return best;
    }

    private void assign(Job j, WorkerSession s) {
        boolean audit = j.status == JobStatus.AUDITING;
        Task t = j.task;
        long timeout = jobTimeoutMillis(t.type.jobMacs(t.payload, j.index), s.gops, s.inflight.size() + 1,
                j.attempts, rules.jobTimeoutMs());
        Assignment a = new Assignment(++assignments, j, s.id, timeout, nowMs + timeout, audit);
        j.assignment = a;
        if (!audit) j.move(JobStatus.ASSIGNED);
        s.inflight.put(j.id(), a);
        out.send(s.id, new PoolMessage.Job(j.id(), t.taskId, j.index, t.type.name(), t.payload,
                t.type.describeJob(t.payload, j.index), t.type.maxOutputBytes(t.payload, j.index), timeout));
    }

    /**
     * How long a worker may take for a job of {@code macs} multiply-adds: {@link #JOB_TIMEOUT_SLACK} times what its
     * advertised {@code gops} (2 int8 ops per multiply-add) needs for this job and the {@code queued - 1} it holds
     * already (a worker runs its jobs one after another), at least {@link #MIN_JOB_TIMEOUT_MS}, at most
     * {@code capMillis} (--job-timeout), which is also the timeout of a worker that advertised no speed. A worker
     * that overstates its GOPS only shortens its own timeouts.
     *
     * <p>That estimate comes from a large GEMM and can be far too short for a job that is not one (an inference job
     * runs many small products and writes its whole trace), and a worker finishes a job it was told to drop before
     * it starts the next. So each failed attempt ({@code failedAttempts}: timeouts, errors, rejections) doubles the
     * next one's timeout, up to the cap: a job that always took longer than its first timeout would otherwise be
     * handed from worker to worker for ever.
     */
    static long jobTimeoutMillis(long macs, double gops, int queued, int failedAttempts, long capMillis) {
        if (!(gops > 0) || Double.isInfinite(gops)) return capMillis;
        double expectedMs = 2.0 * macs * queued / (gops * 1e6);
        double scaled = Math.ceil(JOB_TIMEOUT_SLACK * expectedMs) * Math.pow(2, Math.min(failedAttempts, MAX_TIMEOUT_DOUBLINGS));
        long floor = MIN_JOB_TIMEOUT_MS << Math.min(failedAttempts, MAX_TIMEOUT_DOUBLINGS);
        return Math.min(capMillis, Math.max(floor, scaled >= capMillis ? capMillis : (long) scaled));
    }

    /**
     * Time passes: connections that never said hello or stopped beating are dropped, and jobs past their deadline
     * are taken back and told so.
     */
    void tick(long nowMs) {
        now(nowMs);
        List<Long> silent = new ArrayList<>();
        List<Long> dead = new ArrayList<>();
        for (WorkerSession s : sessions.values()) {
            if (!s.authenticated()) {
                if (nowMs - s.connectedAtMs > rules.authTimeoutMs()) silent.add(s.id);
                continue;
            }
            if (nowMs - s.lastSeenMs > 3 * rules.heartbeatMs()) dead.add(s.id);
            Iterator<Assignment> it = s.inflight.values().iterator();
            while (it.hasNext()) {
                Assignment a = it.next();
                if (nowMs < a.deadlineMs() || verifying.contains(a.seq())) continue;
                it.remove();
                Job j = a.job();
                j.attempts++;
                release(a);
                out.send(s.id, new PoolMessage.Cancel(j.id(), "timed out after " + a.timeoutMs()
                        + " ms; given to another worker"));
            }
        }
        for (long id : silent) {
            out.close(id, 1008, "no hello within " + rules.authTimeoutMs() / 1000 + " s of the challenge");
            disconnected(id);
        }
        for (long id : dead) {
            out.close(id, 1001, "missed heartbeats");
            disconnected(id);
        }
        dispatch();
    }
}
